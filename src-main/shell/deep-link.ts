// threadline://conversation/<id> arrives three ways: argv of a cold start (Windows/Linux), argv of a
// second instance (forwarded by the single-instance lock), and 'open-url' (macOS).
import { parseDeepLink } from '../../src-shared/ipc';

export const DEEP_LINK_SCHEME = 'threadline';

/** The conversation a command line asks for, if any (the last valid link wins). */
export function deepLinkFromArgv(argv: readonly string[]): string | null {
  let found: string | null = null;
  for (const arg of argv) {
    const link = parseDeepLink(arg);
    if (link) found = link.conversationId;
  }
  return found;
}
