// Panels that open in place (the dashboard's drill-down lists, the quality review form) take focus when they open;
// when they close, focus must go back to the control that opened them, not fall to <body> (keyboard and screen
// reader users would start again from the top of the window).

interface FocusTarget {
  focus(): void;
  isConnected?: boolean;
}

/**
 * Call as the panel opens (while its opener still has focus): returns the function to call as it closes. Focus goes
 * back to the opener if it is still on the page, else to `fallback` (e.g. the section heading).
 */
export function focusReturner(doc: { activeElement: unknown } = document): (fallback?: FocusTarget | null) => void {
  const opener = doc.activeElement as Partial<FocusTarget> | null;
  return (fallback) => {
    if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
    else fallback?.focus();
  };
}
