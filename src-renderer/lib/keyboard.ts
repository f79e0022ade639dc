// Inbox keyboard shortcuts (Gmail/Front style). They never fire while the agent is typing in a field,
// and Enter is left alone on buttons and links so it keeps activating them.

export type ShortcutAction = 'next' | 'previous' | 'open' | 'focusReply' | 'resolve';

export type TargetKind = 'text' | 'activatable' | 'other';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  isComposing?: boolean;
}

export interface ElementLike {
  tagName: string;
  isContentEditable?: boolean;
  type?: string;
  getAttribute?(name: string): string | null;
}

const nonTextInputTypes = new Set(['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image']);

/** Classify the focused element: typing there must not trigger shortcuts. */
export function targetKind(el: ElementLike | null): TargetKind {
  if (!el) return 'other';
  const tag = el.tagName.toUpperCase();
  if (el.isContentEditable) return 'text';
  if (tag === 'TEXTAREA' || tag === 'SELECT') return 'text';
  if (tag === 'INPUT') return nonTextInputTypes.has((el.type ?? 'text').toLowerCase()) ? 'activatable' : 'text';
  if (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') return 'activatable';
  const role = el.getAttribute?.('role');
  if (role === 'textbox' || role === 'combobox' || role === 'searchbox') return 'text';
  if (role === 'button' || role === 'tab' || role === 'link' || role === 'checkbox' || role === 'menuitem') return 'activatable';
  return 'other';
}

export function shortcutFor(key: KeyLike, target: TargetKind): ShortcutAction | null {
  if (key.ctrlKey || key.metaKey || key.altKey || key.isComposing) return null;
  if (target === 'text') return null;
  switch (key.key) {
    case 'j':
      return 'next';
    case 'k':
      return 'previous';
    case 'r':
      return 'focusReply';
    case 'e':
      return 'resolve';
    case 'Enter':
      return target === 'other' && !key.shiftKey ? 'open' : null;
    default:
      return null;
  }
}

/** Move a selection through a list of ids; with nothing selected, j/k start at the top. */
export function moveSelection(ids: readonly string[], current: string | null, delta: 1 | -1): string | null {
  if (ids.length === 0) return null;
  const index = current === null ? -1 : ids.indexOf(current);
  if (index === -1) return ids[0]!;
  const next = Math.min(ids.length - 1, Math.max(0, index + delta));
  return ids[next]!;
}

/**
 * ARIA tabs pattern: the index of the tab a key moves to among `count` tabs (Left/Right wrap, Home, End; Up/Down
 * too for a vertical list), or -1 when the key does not move.
 */
export function tabIndexAfterKey(key: string, index: number, count: number, orientation: 'horizontal' | 'both' = 'horizontal'): number {
  const both = orientation === 'both';
  if (key === 'ArrowRight' || (both && key === 'ArrowDown')) return (index + 1) % count;
  if (key === 'ArrowLeft' || (both && key === 'ArrowUp')) return (index - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return -1;
}
