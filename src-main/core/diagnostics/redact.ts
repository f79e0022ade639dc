// Redaction for diagnostics. Rule (docs/it-deployment.md "Export diagnostics"):
//  1. Configuration: values under secret-looking keys are replaced; URLs lose credentials and query.
//  2. Logs: a line keeps its time, level and scope. Its message is kept only for the app's own
//     operational scopes (OPERATIONAL_SCOPES), and even then quoted text, e-mail addresses, tokens,
//     URL credentials/queries, long digit runs and home-folder names are masked. Any other line
//     (no scope, or core/sync/renderer scopes that may carry message text) keeps only its error
//     codes and the message length. Continuation lines are dropped, except stack frames of kept lines.
// So customer text can reach the export only by being logged in an operational scope unquoted,
// which those scopes never do by construction (they log versions, URLs, states and error codes).

/** Scopes whose messages are about the app itself (updates, configuration, windows), never about conversations. */
export const OPERATIONAL_SCOPES: ReadonlySet<string> = new Set(['updater', 'config', 'shell', 'diagnostics', 'logging', 'app']);

const SECRET_KEY = /pass(word)?|secret|token|credential|auth|cookie|api[-_]?key|private/i;
export const REDACTED = '<redacted>';

/** URLs keep scheme, host, port and path; user:password@ and ?query#hash are masked. */
export function redactUrl(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return value;
  }
  if (!u.host) return value;
  const auth = u.username || u.password ? `${REDACTED}@` : '';
  const query = u.search ? `?${REDACTED}` : '';
  const hash = u.hash ? `#${REDACTED}` : '';
  return `${u.protocol}//${auth}${u.host}${u.pathname === '/' && !value.endsWith('/') ? '' : u.pathname}${query}${hash}`;
}

/** A deep copy of a JSON-like value with secrets masked. */
export function redactValue(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key) && value !== null && value !== undefined && typeof value !== 'boolean') return REDACTED;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactValue(v, k)]));
  }
  return value;
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/gi;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const KEY_VALUE_SECRET = /\b([A-Za-z_]*(?:token|secret|password|passwd|apikey|api_key|auth)[A-Za-z_]*)\s*[=:]\s*("[^"]*"|'[^']*'|\S+)/gi;
const QUOTED = /"[^"\n]*"|'[^'\n]*'|`[^`\n]*`|“[^”\n]*”/g;
const LONG_DIGITS = /\d{7,}/g;
const HOME = /([A-Za-z]:\\Users\\|\/Users\/|\/home\/)[^\\/\s]+/g;

/** Masks the patterns that can carry personal or secret data inside a free-text line. */
export function redactText(text: string): string {
  return text
    .replace(URL_IN_TEXT, (url) => redactUrl(url))
    .replace(BEARER, (_m, kind: string) => `${kind} ${REDACTED}`)
    .replace(KEY_VALUE_SECRET, (_m, k: string) => `${k}=${REDACTED}`)
    .replace(EMAIL, '<email>')
    .replace(QUOTED, '"<text>"')
    .replace(HOME, '$1<user>')
    .replace(LONG_DIGITS, '<number>');
}

/** electron-log's default file format: "[2025-01-31 12:00:00.123] [info] (scope) message". */
const LOG_LINE = /^\[(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)\] \[(\w+)\]\s*(?:\(([^)\s]+)\))?\s*(.*)$/;
const ERROR_CODE = /\b(?:E[A-Z]{2,}[A-Z0-9_]*|ERR_[A-Z0-9_]+|HTTP \d{3}|SQLITE_[A-Z_]+)\b/g;
const STACK_FRAME = /^\s+at\s/;

export function sanitizeLogLine(line: string, state: { keepFrames: boolean }): string | null {
  const m = LOG_LINE.exec(line);
  if (!m) {
    // Continuation of a multi-line message: only stack frames of an operational line survive.
    return state.keepFrames && STACK_FRAME.test(line) ? redactText(line) : null;
  }
  const [, time, level, scope, message = ''] = m;
  const head = `[${time}] [${level}]${scope ? ` (${scope})` : ''}`;
  if (scope && OPERATIONAL_SCOPES.has(scope)) {
    state.keepFrames = true;
    return `${head} ${redactText(message)}`;
  }
  state.keepFrames = false;
  const codes = [...new Set(message.match(ERROR_CODE) ?? [])];
  return `${head} <message withheld, ${message.length} chars${codes.length ? `; codes: ${codes.join(' ')}` : ''}>`;
}

export function sanitizeLog(text: string): string {
  const state = { keepFrames: false };
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    const kept = sanitizeLogLine(line, state);
    if (kept !== null) out.push(kept);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
