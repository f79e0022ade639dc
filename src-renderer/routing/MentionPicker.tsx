// @mention autocomplete in the composer while "Private note" is on (docs/routing.md §Handoff). Typing "@be" lists
// matching colleagues (a listbox under the reply box); ArrowUp/ArrowDown move, Enter or Tab inserts "@Ben Okafor ",
// Escape closes; a click inserts too. The core turns the names in the sent note into agent ids (they are notified).
import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { insertMention, mentionQueryAt, mentionSuggestions } from '../../src-shared/mentions';
import { useAgents, useSession } from '../state/queries';

export function MentionPicker({ inputId, text, enabled, onInsert }: { inputId: string; text: string; enabled: boolean; onInsert: (text: string) => void }) {
  const { t } = useTranslation();
  const agents = useAgents();
  const session = useSession();
  const listId = useId();
  const [caret, setCaret] = useState(text.length);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const me = session.data?.agent?.id;

  // Follow the caret (typing, clicks, arrow keys).
  useEffect(() => {
    const el = document.getElementById(inputId) as HTMLTextAreaElement | null;
    if (!el) return;
    const update = () => setCaret(el.selectionStart ?? el.value.length);
    update();
    el.addEventListener('keyup', update);
    el.addEventListener('click', update);
    el.addEventListener('input', update);
    return () => {
      el.removeEventListener('keyup', update);
      el.removeEventListener('click', update);
      el.removeEventListener('input', update);
    };
  }, [inputId, text]);

  const mention = enabled ? mentionQueryAt(text, Math.min(caret, text.length)) : null;
  const suggestions = useMemo(() => (mention ? mentionSuggestions((agents.data ?? []).filter((a) => a.id !== me), mention.query) : []), [mention?.query, agents.data, me]);
  const key = mention ? `${mention.start}:${mention.query}` : null;
  const visible = suggestions.length > 0 && key !== dismissed;
  const index = Math.min(active, Math.max(0, suggestions.length - 1));

  function pick(i: number) {
    const a = suggestions[i];
    const el = document.getElementById(inputId) as HTMLTextAreaElement | null;
    if (!a || !mention) return;
    const next = insertMention(text, mention.start, Math.min(caret, text.length), a.name);
    onInsert(next.text);
    setActive(0);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
      setCaret(next.caret);
    });
  }

  // Keys on the reply box while the list is open: handled here, before the composer (Enter would send).
  useEffect(() => {
    const el = document.getElementById(inputId) as HTMLTextAreaElement | null;
    if (!el) return;
    el.setAttribute('aria-autocomplete', 'list');
    if (visible) {
      el.setAttribute('aria-controls', listId);
      el.setAttribute('aria-expanded', 'true');
      el.setAttribute('aria-activedescendant', `${listId}-${index}`);
    } else {
      el.removeAttribute('aria-controls');
      el.setAttribute('aria-expanded', 'false');
      el.removeAttribute('aria-activedescendant');
    }
    if (!visible) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
      else if (e.key === 'Enter' || e.key === 'Tab') pick(index);
      else if (e.key === 'Escape') setDismissed(key);
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    el.addEventListener('keydown', onKey);
    return () => el.removeEventListener('keydown', onKey);
  });

  if (!visible) return null;
  return (
    <ul id={listId} role="listbox" aria-label={t('collab.mentionList')} className="mention-list">
      {suggestions.map((a, i) => (
        <li
          key={a.id}
          id={`${listId}-${i}`}
          role="option"
          aria-selected={i === index}
          className={i === index ? 'is-active' : undefined}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => pick(i)}
        >
          {a.name}
        </li>
      ))}
    </ul>
  );
}
