// Prepared-statement reuse for the cache connection. The operations call db.prepare(sql) inline for
// readability; compiling the same SQL again for every row of a 2,000-row sync batch cost more than running
// it. This memoises prepare() per connection (statements are only ever run with .run/.get/.all, never left
// iterating or switched to raw/pluck mode, so one compiled statement per SQL text is safe to share).
import type Database from 'better-sqlite3';

export function reusePreparedStatements(db: Database.Database): Database.Database {
  const compile = db.prepare.bind(db);
  const compiled = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let stmt = compiled.get(sql);
    if (!stmt) {
      stmt = compile(sql);
      compiled.set(sql, stmt);
    }
    return stmt;
  }) as typeof db.prepare;
  return db;
}
