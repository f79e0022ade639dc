// The real server and browser host CLIs as child processes (their own event loops, as in production),
// and resident memory of processes from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

export interface Proc {
  child: ChildProcess;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function startCli(script: string, args: string[], pattern: RegExp, env: Record<string, string> = {}): Promise<Proc> {
  // TypeScript sources run under tsx; a built .js file (dist-bench/) runs on plain Node.
  const nodeArgs = script.endsWith('.ts') ? ['--import', 'tsx', path.join(root, script)] : [path.join(root, script)];
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: root,
    env: { ...process.env, THREADLINE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 60 s: ${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, pid: child.pid!, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before starting: ${err}`));
    });
  });
}

export function startServerProcess(dataDir: string): Promise<Proc> {
  return startCli('src-server/cli.ts', ['--port', '0', '--data-dir', dataDir], /listening on (http:\/\/\S+)/);
}

export function startHostProcess(dataDir: string, serverUrl: string): Promise<Proc> {
  return startCli('src-main/host/cli.ts', ['--port', '0', '--data-dir', dataDir, '--server', serverUrl], /Threadline web: (http:\/\/\S+)/);
}

/** The host bundled by bench/host.vite.config.ts (production-like: plain JS, cache worker included). */
export function startBuiltHostProcess(dataDir: string, serverUrl: string): Promise<Proc> {
  return startCli('dist-bench/host/cli.js', ['--port', '0', '--data-dir', dataDir, '--server', serverUrl], /Threadline web: (http:\/\/\S+)/);
}

/** Resident set size of one process (all its threads), in MB. */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
  return kb / 1024;
}

/** Proportional set size (shared pages divided among their sharers), in MB: fairer for Chromium's processes. */
export function pssMb(pid: number): number {
  try {
    const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/Pss:\s+(\d+)/.exec(rollup)?.[1] ?? 'NaN') / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Descendant processes of `pid` whose command line contains `needle`. */
export function descendants(pid: number, needle: string): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      try {
        if (fs.readFileSync(`/proc/${c}/cmdline`, 'utf8').includes(needle)) out.push(c);
      } catch {
        // gone meanwhile
      }
      walk(c);
    }
  };
  walk(pid);
  return out;
}
