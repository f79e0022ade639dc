// `npm start`: a local central server on the embedded default with a demo workspace, and the
// desktop app connected to it. Where Electron's binary cannot be had, one clear line and the same
// workspace served to a browser by the browser host.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from '../src-server/app';
import { seedDemo } from '../src-server/demo';
import { startHost } from '../src-main/host/host';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.THREADLINE_DATA_DIR ?? join(root, '.threadline'));
const port = Number(process.env.THREADLINE_PORT ?? 4820);
const webPort = Number(process.env.THREADLINE_WEB_PORT ?? 4830);

function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null; // the package throws when its binary was never downloaded
  }
}

function ensureBuilt(): void {
  if (existsSync(join(root, 'dist/renderer/index.html')) && existsSync(join(root, 'dist/widget/widget.js'))) return;
  console.log('Building the renderer and the chat widget (first start)…');
  execFileSync('npm', ['run', '--silent', 'build:ui'], { cwd: root, stdio: 'inherit' });
}

async function main(): Promise<void> {
  ensureBuilt();
  const server = await createServer({ dataDir: join(dataDir, 'server'), port, host: '127.0.0.1' });
  const demo = await seedDemo(server);

  console.log(`\nThreadline server: ${server.url}`);
  console.log(`Customer chat page: ${demo.chatUrl}`);
  for (const a of demo.agents) console.log(`Agent login (${a.role}): ${a.email} / ${a.password}`);
  if (server.initialAdmin?.generated) console.log(`Administrator (generated on first start): ${server.initialAdmin.email} / ${server.initialAdmin.password}`);

  const electron = electronBinary();
  if (electron) {
    execFileSync('npm', ['run', '--silent', 'build:desktop'], { cwd: root, stdio: 'inherit' });
    const child = spawn(electron, [root], { stdio: 'inherit', env: { ...process.env, THREADLINE_SERVER_URL: server.url, THREADLINE_DESKTOP_DATA_DIR: join(dataDir, 'desktop') } });
    child.on('exit', () => void server.close().then(() => process.exit(0)));
    return;
  }

  console.log("\nElectron's binary is not available on this machine, so the desktop app is served to your browser instead:");
  const host = await startHost({ port: webPort, host: '127.0.0.1', dataDir: join(dataDir, 'desktop'), rendererDir: join(root, 'dist/renderer'), serverUrl: server.url });
  console.log(`Threadline web: ${host.url}\n`);

  const stop = async () => {
    await host.close();
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
