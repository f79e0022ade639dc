import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_MESSAGE_CHARS } from '../../src-shared/domain';
import type { ConversationDetail } from '../../src-shared/ipc';
import { debounce } from '../lib/debounce';
import { useCall } from '../state/bridge-context';
import { useUi } from '../state/ui-store';
import { TemplatePicker } from './TemplatePicker';
import { MentionPicker } from '../routing/MentionPicker';
import { AttachFile } from './AttachFile';
import { uploadFile } from '../lib/upload';
import { ReplyChannelPicker } from '../identity/ReplyChannelPicker';
import { useReplyChannel } from '../identity/reply-channel';

/** Channels whose replies can carry a file (web chat cannot yet); private notes always can. */
const FILE_CHANNELS = new Set(['whatsapp', 'telegram', 'email']);

export const REPLY_BOX_ID = 'reply-box';
/** Save the draft this long after the last keystroke (the core promises ≤ 300 ms end to end). */
export const DRAFT_DEBOUNCE_MS = 250;
/** Typing "off" after this much silence. */
const TYPING_IDLE_MS = 3_000;

export function Composer({ conversationId, initialText, online, replyRule, channelId, channelType }: { conversationId: string; initialText: string; online: boolean; replyRule?: ConversationDetail['replyRule']; channelId?: string; channelType?: string }) {
  const { t, i18n } = useTranslation();
  const call = useCall();
  const [text, setText] = useState(initialText);
  const [isPrivate, setPrivate] = useState(false);
  const [draftState, setDraftState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [file, setFile] = useState<File | null>(null);
  const [uploading, setUploading] = useState(false);
  const ids = { note: useId(), hint: useId(), rule: useId() };
  const typingOn = useRef(false);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const saveSeq = useRef(0);

  const saveDraft = useMemo(
    () =>
      debounce((value: string) => {
        const seq = ++saveSeq.current;
        call('draft.save', { conversationId, text: value }).then(
          () => {
            if (seq === saveSeq.current) setDraftState('saved');
          },
          (err: Error) => {
            if (seq === saveSeq.current) setDraftState('idle');
            useUi.getState().pushToast(t('composer.draftFailed', { message: err.message }));
          },
        );
      }, DRAFT_DEBOUNCE_MS),
    [call, conversationId, t],
  );

  const setTyping = useMemo(
    () => (on: boolean) => {
      if (typingTimer.current) clearTimeout(typingTimer.current);
      typingTimer.current = null;
      if (on) typingTimer.current = setTimeout(() => setTypingRef.current(false), TYPING_IDLE_MS);
      if (typingOn.current === on) return;
      typingOn.current = on;
      // Typing is best effort: a lost indicator is not worth an error.
      call('typing.set', { conversationId, on }).catch(() => undefined);
    },
    [call, conversationId],
  );
  const setTypingRef = useRef(setTyping);
  setTypingRef.current = setTyping;

  // Leaving the conversation (or the page) must not lose the last keystrokes.
  useEffect(() => {
    const onHide = () => saveDraft.flush();
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      saveDraft.flush();
      setTypingRef.current(false);
    };
  }, [saveDraft]);

  function onChange(value: string) {
    setText(value);
    setDraftState('saving');
    saveDraft(value);
    setTyping(value.trim().length > 0);
  }

  // A channel rule (WhatsApp's 24-hour window) may refuse public replies now; notes are always allowed.
  // Issue 4: the agent may reply on another of the customer's channels; the rule above is the conversation's channel's.
  const replyVia = useReplyChannel(conversationId);
  const viaOther = !!replyVia && replyVia.channelId !== channelId && !isPrivate;
  const refused = !!replyRule && !replyRule.allowed && !isPrivate && !viaOther;
  const canAttach = isPrivate || (!!channelType && FILE_CHANNELS.has(channelType));

  async function send() {
    const value = text;
    const sending = file && canAttach ? file : null;
    if ((!value.trim() && !sending) || refused || uploading) return;
    if (value.length > MAX_MESSAGE_CHARS) {
      useUi.getState().pushToast(t('composer.tooLong', { max: MAX_MESSAGE_CHARS }));
      return;
    }
    saveDraft.cancel();
    saveSeq.current++;
    setText('');
    setDraftState('idle');
    setTyping(false);
    try {
      let attachmentIds: string[] | undefined;
      if (sending) {
        // Online only: the file goes to the server first; a failure says so and keeps text and file.
        setUploading(true);
        try {
          attachmentIds = [(await uploadFile(conversationId, sending)).id];
        } catch (err) {
          setText((current) => (current === '' ? value : current));
          useUi.getState().pushToast(t('attach.failed', { message: (err as Error).message }));
          return;
        } finally {
          setUploading(false);
        }
        setFile(null);
      }
      await call('message.send', { conversationId, text: value, private: isPrivate, ...(attachmentIds ? { attachmentIds } : {}), ...(viaOther ? { channelId: replyVia.channelId } : {}) });
    } catch (err) {
      // Put the text back so nothing typed is lost.
      setText((current) => (current === '' ? value : current));
      useUi.getState().pushToast(t('composer.sendFailed', { message: (err as Error).message }));
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    } else if (e.key === 'Escape') {
      e.currentTarget.blur();
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void send();
  }

  return (
    <>
    <form className={`composer${isPrivate ? ' is-note' : ''}`} onSubmit={onSubmit}>
      <label htmlFor={REPLY_BOX_ID} className="visually-hidden">
        {t('composer.reply')}
      </label>
      <textarea
        id={REPLY_BOX_ID}
        className="composer-input"
        rows={3}
        value={text}
        placeholder={isPrivate ? t('composer.notePlaceholder') : t('composer.placeholder')}
        aria-describedby={replyRule ? `${ids.hint} ${ids.rule}` : ids.hint}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => setTyping(false)}
      />
      <MentionPicker inputId={REPLY_BOX_ID} text={text} enabled={isPrivate} onInsert={onChange} />
      {replyRule && (
        <p id={ids.rule} className={`composer-rule small${refused ? ' is-refused' : ' muted'}`} role={refused ? 'alert' : undefined}>
          {replyRule.allowed
            ? t('composer.whatsappWindowOpen', { time: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(replyRule.closesAt ?? Date.now())) })
            : t('composer.whatsappWindowClosed')}
        </p>
      )}
      <div className="composer-bar">
        <label className="checkbox" htmlFor={ids.note}>
          <input id={ids.note} type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} />
          {t('composer.privateNote')}
        </label>
        <ReplyChannelPicker conversationId={conversationId} online={online} />
        {canAttach && <AttachFile file={file} onChange={setFile} online={online} disabled={refused || uploading} />}
        <span className="composer-hint muted small" id={ids.hint}>
          {online ? t('composer.hint') : t('composer.queuedHint')}
        </span>
        <span className="draft-state small" aria-live="polite">
          {draftState === 'saved' ? t('composer.draftSaved') : ''}
        </span>
        <button type="submit" className="btn btn-primary" disabled={(!text.trim() && !(file && canAttach)) || refused || uploading}>
          {t('composer.send')}
        </button>
      </div>
    </form>
    {/* Outside WhatsApp's window: only approved templates (issue 3). */}
    {replyRule && !replyRule.allowed && channelId && <TemplatePicker conversationId={conversationId} channelId={channelId} />}
    </>
  );
}
