// Hot-path queries compiled once per process. Kysely builds and compiles a query's SQL on every call; on the
// webhook path (about twenty queries a message) that was a seventh of the CPU. A prepared query is built once
// with named placeholders by the same builder and the dialect's own compiler, so its SQL and parameter order are
// exactly what building it each time gives; a call only puts the values in.
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { DB } from './schema';

const MARK = '\u0000arg:';

/** `arg('id')` in the builder stands for the value given as `{ id }` at each call. */
type Arg<K extends string> = (name: K) => string;
type Slot<K extends string> = { name: K } | { value: unknown };

export interface Prepared<K extends string, R> {
  /** The rows (select, or `returning`). */
  rows(q: Kysely<DB>, args: Record<K, unknown>): Promise<R[]>;
  first(q: Kysely<DB>, args: Record<K, unknown>): Promise<R | undefined>;
  /** Rows changed (insert / update / delete). */
  run(q: Kysely<DB>, args: Record<K, unknown>): Promise<number>;
}

export function prepared<K extends string, R>(build: (q: Kysely<DB>, arg: Arg<K>) => Compilable<R>): Prepared<K, R> {
  // One plan per SQL dialect (keyed by its adapter's class): the SQL text is the dialect's.
  const plans = new Map<unknown, { sql: string; slots: Slot<K>[] }>();
  const compiled = (q: Kysely<DB>, args: Record<K, unknown>) => {
    const dialect = q.getExecutor().adapter.constructor;
    let plan = plans.get(dialect);
    if (!plan) {
      const c = build(q, (name) => `${MARK}${name}`).compile();
      const slots = c.parameters.map((v): Slot<K> => (typeof v === 'string' && v.startsWith(MARK) ? { name: v.slice(MARK.length) as K } : { value: v }));
      plan = { sql: c.sql, slots };
      plans.set(dialect, plan);
    }
    return CompiledQuery.raw(
      plan.sql,
      plan.slots.map((s) => ('name' in s ? args[s.name] : s.value)),
    ) as CompiledQuery<R>;
  };
  return {
    rows: async (q, args) => (await q.executeQuery(compiled(q, args))).rows,
    first: async (q, args) => (await q.executeQuery(compiled(q, args))).rows[0],
    run: async (q, args) => Number((await q.executeQuery(compiled(q, args))).numAffectedRows ?? 0),
  };
}
