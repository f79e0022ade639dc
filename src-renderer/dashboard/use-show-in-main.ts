// The dashboard window's drill-down into the main window (window-links.ts), as a hook: failures become a toast.
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { MainWindowLink } from '../../src-shared/ipc';
import { useBridge } from '../state/bridge-context';
import { useUi } from '../state/ui-store';
import { showInMainWindow } from './window-links';

export function useShowInMain(): (link: MainWindowLink) => void {
  const bridge = useBridge();
  const { t } = useTranslation();
  return useCallback(
    (link) =>
      void showInMainWindow(bridge, link, undefined, (window.opener as Window | null) ?? null).catch((err: Error) =>
        useUi.getState().pushToast(t('dashboard.showFailed', { message: err.message })),
      ),
    [bridge, t],
  );
}
