// "Export diagnostics": one zip with the app's logs (sanitised, see redact.ts), versions, and the
// effective configuration (secrets masked). Never the cache database, drafts or attachments: only
// *.log files are read from the log folder, and nothing else from disk.
import fs from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { redactValue, sanitizeLog } from './redact';

/** Per log file, only the newest part is exported (the rest is usually old news). */
export const MAX_LOG_BYTES = 2 * 1024 * 1024;

export interface DiagnosticsInput {
  /** The electron-log folder (the shell knows it; see shell/logging.ts). */
  logDir: string;
  /** Effective configuration, its sources and problems: anything JSON-like, redacted here. */
  config: unknown;
  /** e.g. { app, electron, chrome, node, os, arch }. */
  versions: Record<string, string>;
  outFile: string;
  now?: Date;
}

export interface DiagnosticsResult {
  outFile: string;
  entries: string[];
  bytes: number;
}

function readTail(file: string, maxBytes: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    fs.readSync(fd, buf, 0, length, size - length);
    let text = buf.toString('utf8');
    // Cut at the first newline so the export never starts with half a line.
    if (length < size) text = text.slice(text.indexOf('\n') + 1);
    return text;
  } finally {
    fs.closeSync(fd);
  }
}

function logFiles(logDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(logDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => n.endsWith('.log') && fs.statSync(path.join(logDir, n)).isFile()).sort();
}

export async function exportDiagnostics(input: DiagnosticsInput): Promise<DiagnosticsResult> {
  const now = input.now ?? new Date();
  const json = (v: unknown) => strToU8(`${JSON.stringify(v, null, 2)}\n`);
  const files: Zippable = {
    'README.txt': strToU8(
      [
        'Threadline diagnostics',
        `Created: ${now.toISOString()}`,
        '',
        'Contains: versions.json, config.json (secrets masked) and logs/*.log.',
        'Log lines keep time, level and scope; message text is kept only for the app\'s own',
        'operational scopes (updater, config, shell, diagnostics, logging, app), with quoted text,',
        'e-mail addresses, tokens and URL credentials masked. Other messages are withheld.',
        'No conversations, messages, drafts, contacts or cache database are included.',
        '',
      ].join('\n'),
    ),
    'versions.json': json(redactValue(input.versions)),
    'config.json': json(redactValue(input.config)),
  };
  for (const name of logFiles(input.logDir)) {
    files[`logs/${name}`] = strToU8(sanitizeLog(readTail(path.join(input.logDir, name), MAX_LOG_BYTES)));
  }
  const zip = zipSync(files, { level: 6, mtime: now });
  fs.mkdirSync(path.dirname(input.outFile), { recursive: true });
  const tmp = `${input.outFile}.${process.pid}.tmp`;
  await fs.promises.writeFile(tmp, zip);
  await fs.promises.rename(tmp, input.outFile);
  return { outFile: input.outFile, entries: Object.keys(files), bytes: zip.length };
}

/** "threadline-diagnostics-2025-01-31T12-00-00Z.zip": sortable, and safe on every file system. */
export function diagnosticsFileName(now = new Date()): string {
  return `threadline-diagnostics-${now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.zip`;
}
