// A modal dialog's keyboard contract: focus moves into it when it opens and Escape closes it.
import { useEffect, useRef, type RefObject } from 'react';

/** Returns the ref for the dialog element. The effect runs once: re-renders never pull focus back while someone types. */
export function useModal(onClose: () => void): RefObject<HTMLDivElement | null> {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    ref.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return ref;
}
