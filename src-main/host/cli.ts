// `npm run web`: the browser host from the command line.
//   --port N        (default 4830; 0 = any free port)
//   --server URL    prefill the sign-in form with this server
//   --data-dir DIR  (default ./.threadline/desktop)
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startHost } from './host';

function usage(message: string): never {
  console.error(`${message}\nUsage: tsx src-main/host/cli.ts [--port 4830] [--server http://127.0.0.1:4820] [--data-dir ./.threadline/desktop]`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: { port?: string; server?: string; 'data-dir'?: string };
  try {
    ({ values } = parseArgs({ options: { port: { type: 'string' }, server: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true }));
  } catch (err) {
    usage((err as Error).message);
  }
  const port = Number(values.port ?? '4830');
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`Invalid --port ${values.port}`);
  if (values.server) {
    try {
      new URL(values.server);
    } catch {
      usage(`Invalid --server ${values.server}`);
    }
  }
  const root = path.resolve(import.meta.dirname, '../..');
  const host = await startHost({
    port,
    host: '127.0.0.1',
    dataDir: path.resolve(values['data-dir'] ?? './.threadline/desktop'),
    rendererDir: path.join(root, 'dist/renderer'),
    serverUrl: values.server,
  });
  console.log(`Threadline web: ${host.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Close the core: the sync socket goes down and the cache worker checkpoints its WAL into the file.
    host.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`Shutdown after ${signal} failed:`, err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
