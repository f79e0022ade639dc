// `npm run server`: the central server alone.
//   --port N (env THREADLINE_PORT, default 4820), --data-dir DIR (env THREADLINE_DATA_DIR, default ./.threadline)
//   THREADLINE_PUBLIC_URL, THREADLINE_ADMIN_EMAIL / THREADLINE_ADMIN_PASSWORD (first start only), THREADLINE_LOG_LEVEL
//   THREADLINE_CLOCK_SCALE (tests/demos only: SLA time runs N× faster)
//   --host H (default 127.0.0.1; 0.0.0.0 to serve a network)
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createServer, DEFAULT_PORT } from './app';
import { clockFromEnv } from '../src-shared/sla';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('Usage: npm run server -- [--port 4820] [--data-dir ./.threadline] [--host 127.0.0.1]');
    return;
  }
  const port = Number(values.port ?? process.env.THREADLINE_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${values.port ?? process.env.THREADLINE_PORT}`);
  if (process.env.THREADLINE_DATABASE_URL) {
    // Refuse rather than silently fall back to SQLite: an operator who asked for PostgreSQL must not get a laptop store.
    throw new Error('THREADLINE_DATABASE_URL is set, but the PostgreSQL store is not available in this version yet; unset it to use the embedded SQLite store.');
  }
  const dataDir = path.resolve(values['data-dir'] ?? process.env.THREADLINE_DATA_DIR ?? '.threadline');

  const server = await createServer({
    dataDir,
    port,
    host: values.host ?? process.env.THREADLINE_HOST ?? '127.0.0.1',
    publicUrl: process.env.THREADLINE_PUBLIC_URL || undefined,
    adminEmail: process.env.THREADLINE_ADMIN_EMAIL || undefined,
    adminPassword: process.env.THREADLINE_ADMIN_PASSWORD || undefined,
    logLevel: process.env.THREADLINE_LOG_LEVEL ?? 'info',
    // Test/demo facility: THREADLINE_CLOCK_SCALE=60 runs SLA time 60× faster (docs/sla.md).
    clock: clockFromEnv(process.env),
  });
  console.log(`Threadline server listening on ${server.url} (data: ${dataDir})`);
  if (server.initialAdmin) {
    const a = server.initialAdmin;
    console.log(a.generated ? `First administrator created: ${a.email} / ${a.password}  (shown once; change it after signing in)` : `First administrator created: ${a.email}`);
  }

  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
