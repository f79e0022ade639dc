// What the rest of the store needs from a database dialect (SQLite now, PostgreSQL later).
import type { Dialect } from 'kysely';

export interface StoreDialect {
  name: 'sqlite' | 'postgres';
  /** Database file (SQLite) or connection description, for logs. */
  file: string;
  dialect: Dialect;
  isUniqueViolation(err: unknown): boolean;
}
