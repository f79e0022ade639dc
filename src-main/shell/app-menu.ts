// The application menu (a template main.ts hands to Menu.buildFromTemplate): Electron's standard menus, which
// macOS needs for the copy/paste shortcuts, plus our own items. Pure data, so it is tested without Electron.
export const DASHBOARD_ACCELERATOR = 'CmdOrCtrl+Shift+D';

/**
 * The application menu: Electron's standard Edit/View/Window menus (copy/paste shortcuts need
 * them on macOS) plus Help → "Export diagnostics…". With `openDashboard` (supervisors and admins),
 * View starts with "Supervisor dashboard" (CmdOrCtrl+Shift+D) above the standard View items.
 */
export function appMenuTemplate(
  platform: NodeJS.Platform,
  actions: { exportDiagnostics: () => void; openLogs: () => void; openDashboard?: () => void },
): MenuTemplateItem[] {
  const openDashboard = actions.openDashboard;
  const view: MenuTemplateItem = openDashboard
    ? {
        label: 'View',
        submenu: [
          { label: 'Supervisor dashboard', accelerator: DASHBOARD_ACCELERATOR, click: () => openDashboard() },
          { type: 'separator' },
          { role: 'reload' },
          { role: 'forceReload' },
          { role: 'toggleDevTools' },
          { type: 'separator' },
          { role: 'resetZoom' },
          { role: 'zoomIn' },
          { role: 'zoomOut' },
          { type: 'separator' },
          { role: 'togglefullscreen' },
        ],
      }
    : { role: 'viewMenu' };
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : [{ role: 'fileMenu' as const }]),
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Export diagnostics…', click: () => actions.exportDiagnostics() },
        { label: 'Show log files', click: () => actions.openLogs() },
      ],
    },
  ];
}

export interface MenuTemplateItem {
  role?: 'appMenu' | 'fileMenu' | 'editMenu' | 'viewMenu' | 'windowMenu' | 'help' | 'reload' | 'forceReload' | 'toggleDevTools' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen';
  type?: 'separator';
  label?: string;
  accelerator?: string;
  click?: () => void;
  submenu?: MenuTemplateItem[];
}
