// A second server process on the same SQLite file (server-routing.test.ts): on "go" it receives `count` inbound
// conversations at once, then reports how many it stored and closes.
import { createServer } from '../../../src-server/app';
import { uuidv7 } from '../../../src-shared/ids';

const [dataDir, channelId, count, prefix] = process.argv.slice(2) as [string, string, string, string];
const server = await createServer({ dataDir, port: 0, logLevel: 'silent', routing: { tickMs: 0 } });
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  void (async () => {
    const results = await Promise.allSettled(
      Array.from({ length: Number(count) }, (_, i) =>
        server.commands.receiveInbound({ channelId, identity: { channelType: 'webchat', value: `visitor:${prefix}${i}` }, profile: { name: `${prefix}${i}` }, externalId: uuidv7(), text: 'hello' }),
      ),
    );
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    process.stdout.write(JSON.stringify({ ok: results.length - failed.length, failed: failed.slice(0, 3) }) + '\n');
    await server.close();
    process.exit(0);
  })();
});
