// Opaque keyset cursors for list endpoints: base64url JSON of the last row's sort key.
import { z } from 'zod';
import { HttpError } from './http-errors';

export const ListQuery = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().positive().max(500).default(50),
});

export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, parts: number): string[] | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === parts && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // fall through
  }
  throw new HttpError(400, 'invalid', 'cursor: not a cursor from this server');
}

/** Rows fetched with limit+1: the extra row only says there is a next page. */
export function pageOf<R, T>(rows: R[], limit: number, toItem: (r: R) => T, keyOf: (r: R) => string[]) {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return { items: pageRows.map(toItem), nextCursor: more && last ? encodeCursor(keyOf(last)) : null };
}
