import type { MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Development builds only: reload and DevTools entries (and their shortcuts). */
  devTools: boolean;
  /** Opens the help page (main passes an allowlisted shell.openExternal). */
  openHelp: () => void;
}

/**
 * The application menu, kept minimal: quit/close, the edit commands text fields need (copy and
 * paste of codes, also their keyboard shortcuts on macOS), zoom for readability, window
 * controls, help. A production build has no reload, force-reload or DevTools item, so their
 * accelerators (Ctrl+R, Ctrl+Shift+I) do nothing either. Top-level menus are plain labels, not
 * roles like 'viewMenu', whose default submenu includes DevTools.
 */
export function appMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = options.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];

  if (isMac) {
    template.push({
      label: 'Keyholder',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push({ label: 'File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] });
  template.push({
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  });
  template.push({
    label: 'View',
    submenu: [
      ...(options.devTools
        ? ([
            { role: 'reload' },
            { role: 'forceReload' },
            { role: 'toggleDevTools' },
            { type: 'separator' },
          ] satisfies MenuItemConstructorOptions[])
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });
  template.push({
    label: 'Window',
    submenu: isMac ? [{ role: 'minimize' }, { role: 'zoom' }] : [{ role: 'minimize' }],
  });
  template.push({
    label: 'Help',
    submenu: [{ label: 'Keyholder Help', click: () => options.openHelp() }],
  });
  return template;
}
