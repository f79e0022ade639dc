// Search box text → a safe FTS5 MATCH expression (issue 4). Raw input is FTS5 query syntax, where "-", ":", "(",
// "^", AND/OR/NOT, a lone quote… are operators or syntax errors ("order-1042" throws). Here every word becomes a
// quoted phrase (FTS5 tokenises inside the quotes exactly as it indexed the text), words are ANDed, a "quoted
// phrase" stays a phrase, and a trailing * keeps prefix search ("deliv*"). Returns null when nothing searchable is left.
export function ftsQueryOf(input: string): string | null {
  const parts: string[] = [];
  const text = input.slice(0, 500);
  const re = /"([^"]*)"(\*?)|(\S+)/g;
  for (const m of text.matchAll(re)) {
    const phrase = m[1] !== undefined ? m[1] : m[3]!;
    const prefix = m[1] !== undefined ? m[2] === '*' : phrase.endsWith('*');
    const body = phrase.replace(/"/g, ' ').replace(/\*+$/, '').trim();
    // Only what the tokenizer keeps counts: a word with no letter or digit would match nothing (or error).
    if (!/[\p{L}\p{N}]/u.test(body)) continue;
    parts.push(`"${body}"${prefix ? '*' : ''}`);
    if (parts.length >= 16) break;
  }
  return parts.length ? parts.join(' ') : null;
}
