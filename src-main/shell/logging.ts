// Logging for the Electron main process: electron-log's file transport in its standard per-OS
// folder (Windows %APPDATA%\Threadline\logs, macOS ~/Library/Logs/Threadline, Linux
// ~/.config/Threadline/logs), rotated at maxSize (main.log → main.old.log).
// main.ts passes `electron-log/main`; tests pass a real `electron-log/node` logger in a temp dir.
import path from 'node:path';
import type { NodeLogger } from 'electron-log';

export const LOG_MAX_SIZE_BYTES = 5 * 1024 * 1024;

export interface LoggingOptions {
  maxSizeBytes?: number;
  fileLevel?: 'error' | 'warn' | 'info' | 'verbose' | 'debug';
  /** Route console.* into the log file too (the shell and core use console for warnings). */
  captureConsole?: boolean;
  /** Tests only: where to write. Production keeps electron-log's standard location. */
  filePath?: string;
}

export interface LoggingHandle {
  logFile: string;
  logDir: string;
}

export function configureLogging(log: NodeLogger, opts: LoggingOptions = {}): LoggingHandle {
  const file = log.transports.file;
  if (opts.filePath) {
    const target = opts.filePath;
    file.resolvePathFn = () => target;
  }
  file.maxSize = opts.maxSizeBytes ?? LOG_MAX_SIZE_BYTES;
  file.level = opts.fileLevel ?? 'info';
  // The layout the diagnostics export parses: "[date time] [level] (scope) message".
  file.format = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}]{scope} {text}';
  log.scope.labelPadding = false;
  if (opts.captureConsole) Object.assign(console, log.functions);
  const logFile = file.getFile().path;
  return { logFile, logDir: path.dirname(logFile) };
}
