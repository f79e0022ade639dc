// @mentions in private notes (docs/routing.md §Handoff). Pure: the composer's autocomplete and the core, which
// turns "@Ana Lima" in a note's text into agent ids for the sendMessage mutation, use the same rules.
//
// A mention is "@" + an agent's full name, at the start of the text or after whitespace/punctuation, and not
// followed by a letter or digit ("@Ana Lima" mentions Ana Lima, "@Ana Limaa" does not). Names are matched
// ignoring case; when two names could match at the same place the longer wins ("@Ana Lima" over "@Ana").

export interface Mentionable {
  id: string;
  name: string;
}

const WORD = /[\p{L}\p{N}_]/u;

/** The agent ids mentioned in `text`, in order of first appearance, without duplicates and without `exceptId` (the author). */
export function mentionIdsIn(text: string, agents: readonly Mentionable[], exceptId?: string | null): string[] {
  const byLength = [...agents].filter((a) => a.name.trim() !== '').sort((a, b) => b.name.length - a.name.length);
  const lower = text.toLowerCase();
  const out: string[] = [];
  for (let i = lower.indexOf('@'); i >= 0; i = lower.indexOf('@', i + 1)) {
    if (i > 0 && WORD.test(lower[i - 1]!)) continue; // e-mail addresses: ana@example.com
    const rest = lower.slice(i + 1);
    const hit = byLength.find((a) => {
      const name = a.name.trim().toLowerCase();
      return rest.startsWith(name) && !WORD.test(rest[name.length] ?? ' ');
    });
    if (hit && hit.id !== exceptId && !out.includes(hit.id)) out.push(hit.id);
  }
  return out;
}

/**
 * The mention being typed at the caret: the text after the last "@" before the caret, when that "@" starts a word
 * and the query has no line break and at most three words. Null when the caret is not in a mention.
 */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0 || (at > 0 && WORD.test(before[at - 1]!))) return null;
  const query = before.slice(at + 1);
  if (/[\n\r]/.test(query) || query.split(' ').length > 3 || query.length > 64) return null;
  return { start: at, query };
}

/** Agents whose name (or a word of it) starts with the query, ignoring case; the best few first. */
export function mentionSuggestions<T extends Mentionable>(agents: readonly T[], query: string, limit = 6): T[] {
  const q = query.trim().toLowerCase();
  const scored = agents
    .map((a) => {
      const name = a.name.toLowerCase();
      const score = name.startsWith(q) ? 0 : name.split(/\s+/).some((w) => w.startsWith(q)) ? 1 : -1;
      return { a, score };
    })
    .filter((x) => x.score >= 0)
    .sort((x, y) => x.score - y.score || x.a.name.localeCompare(y.a.name));
  return scored.slice(0, limit).map((x) => x.a);
}

/** Replaces the mention being typed (from `start` to the caret) with "@Full Name ". Returns the text and the new caret. */
export function insertMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}
