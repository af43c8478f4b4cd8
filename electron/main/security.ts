import type { Session, WebContents, WebFrameMain } from 'electron';

/**
 * The window's security policy in one place: the app's origin, the Content-Security-Policy,
 * which URLs may leave the app, and the session / webContents hardening that enforces it.
 * The decisions are pure functions (tested without Electron); `hardenSession` and
 * `hardenWebContents` only wire them to Electron's hooks. Electron is imported for types only,
 * and `shell.openExternal` is passed in by main.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'keyholder';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Our own scripts, styles and fonts only; no inline script, no eval, no plugins, no framing, no
 * network beyond the app's own origin; `data:` images for the TOTP QR code. Must stay equal to
 * the browser shell's policy (electron/shell/browser-shell.ts): a test compares the two.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Headers on every app:// response (the protocol handler adds content type and caching). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
});

/**
 * The only pages `shell.openExternal` may open: our help pages, over https, exact origin.
 * Anything else a page asks to open (a link, window.open) is dropped.
 */
export const EXTERNAL_URL_ALLOWLIST: readonly string[] = Object.freeze([
  'https://keyholder.example/help',
  'https://keyholder.example/privacy',
]);

export const HELP_URL = 'https://keyholder.example/help';

/**
 * Permissions a page of ours may use. Everything else (camera, microphone, geolocation,
 * notifications, HID/USB/serial, clipboard READ, …) is denied. Clipboard WRITE is the one
 * exception: the "Copy" button for recovery codes uses `navigator.clipboard.writeText`, which
 * Chromium gates behind `clipboard-sanitized-write` (denying it makes every copy fail with
 * NotAllowedError). Chromium still requires a user gesture for it, and it cannot read anything.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for app://keyholder/… exactly: right scheme and host, no credentials, no port. */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    u.hostname === APP_HOST &&
    u.host === APP_HOST &&
    u.username === '' &&
    u.password === ''
  );
}

/** `app://keyholder` from a requesting origin or URL (permission handlers pass either). */
function isAppOrigin(originOrUrl: string): boolean {
  return isAppUrl(originOrUrl.endsWith('/') ? originOrUrl : `${originOrUrl}/`);
}

/**
 * The IPC sender check: the calling frame exists, is alive, is a top-level frame (no iframe,
 * not even one of ours) and shows a page of app://keyholder. Anything odd counts as untrusted.
 */
export function isTrustedSender(
  frame: Pick<WebFrameMain, 'url' | 'parent' | 'isDestroyed'> | null | undefined,
): boolean {
  if (!frame) return false;
  try {
    if (frame.isDestroyed()) return false;
    if (frame.parent !== null) return false;
    return isAppUrl(frame.url);
  } catch {
    // Electron throws when a disposed frame is touched.
    return false;
  }
}

/**
 * May `shell.openExternal` open this URL? https only, exact host of an allowlisted entry, path
 * equal to or below the entry's path, no credentials, no explicit port. Lookalike hosts
 * (keyholder.example.evil.test, evil.test/keyholder.example), other schemes (http:, file:,
 * javascript:, smb:, custom protocol handlers) and malformed URLs are refused.
 */
export function isAllowedExternalUrl(url: string): boolean {
  if (typeof url !== 'string' || url.length > 2048) return false;
  const u = parse(url);
  if (!u || u.protocol !== 'https:' || u.username || u.password || u.port) return false;
  return EXTERNAL_URL_ALLOWLIST.some((entry) => {
    const allowed = new URL(entry);
    if (u.hostname !== allowed.hostname) return false;
    const base = allowed.pathname.replace(/\/+$/, '');
    return u.pathname === base || u.pathname.startsWith(`${base}/`);
  });
}

/**
 * A page of a sync server's account area that core built (the sync.accountPage channel) from the
 * server this PC is connected to: https (or http on loopback, as the server address may be), no
 * credentials, an /account/forgot or /account/find path (not the API's). Checked again here so that nothing but
 * such a page reaches shell.openExternal through that channel.
 */
export function isSyncServerPageUrl(url: string): boolean {
  if (typeof url !== 'string' || url.length > 2048) return false;
  const u = parse(url);
  if (!u || u.username || u.password) return false;
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) return false;
  // The server may live under a path (https://host/keyholder/), never under its own API.
  return /\/account\/(forgot|find)$/.test(u.pathname) && !u.pathname.includes('/api/');
}

/** Permission requests and checks: only ALLOWED_PERMISSIONS, only for our own top-level page. */
export function isAllowedPermission(
  permission: string,
  requestingOrigin: string,
  isMainFrame: boolean,
): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isMainFrame && isAppOrigin(requestingOrigin);
}

/**
 * Requests the window's session may make. The UI is offline by design: our own origin, inline
 * data (QR code), blobs it created (audit export download) and DevTools' own pages. Everything
 * else, in particular http(s), ws(s) and file:, is cancelled even if a CSP were bypassed.
 * (electron-updater uses its own session partition and is not affected.)
 */
export function isAllowedRequestUrl(url: string): boolean {
  if (isAppUrl(url)) return true;
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === 'data:' || u.protocol === 'devtools:') return true;
  if (u.protocol === 'blob:') return url.startsWith(`blob:${APP_ORIGIN}/`);
  return false;
}

/** Downloads only of content the app itself produced (audit export, recovery codes). */
export function isAllowedDownloadUrl(url: string): boolean {
  return url.startsWith(`blob:${APP_ORIGIN}/`) || url.startsWith('data:');
}

type Log = (message: string, detail?: unknown) => void;

/**
 * Session-wide defaults for the window's session: permissions denied (but clipboard write for
 * our page), device pickers and screen capture denied, network cut, downloads limited to
 * app-made content.
 */
export function hardenSession(session: Session, log: Log = () => {}): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const allowed = isAllowedPermission(
      permission,
      details.requestingUrl ?? '',
      details.isMainFrame,
    );
    if (!allowed) log(`permission request denied: ${permission}`, details.requestingUrl);
    callback(allowed);
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    isAllowedPermission(permission, requestingOrigin, details.isMainFrame),
  );
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback(null));
  session.webRequest.onBeforeRequest((details, callback) => {
    const cancel = !isAllowedRequestUrl(details.url);
    if (cancel) log('request blocked', details.url);
    callback({ cancel });
  });
  session.on('will-download', (event, item) => {
    if (!isAllowedDownloadUrl(item.getURL())) {
      log('download blocked', item.getURL());
      event.preventDefault();
    }
  });
}

export interface HardenWebContentsOptions {
  /** `shell.openExternal`; called only with URLs that pass isAllowedExternalUrl. */
  openExternal: (url: string) => Promise<void>;
  log?: Log;
}

/**
 * Per-webContents rules (main attaches them to every webContents via 'web-contents-created'):
 * no navigation away from app://keyholder (main frame, subframes, redirects), no new windows
 * (allowlisted https links go to the system browser instead), no <webview>.
 */
export function hardenWebContents(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
  { openExternal, log = () => {} }: HardenWebContentsOptions,
): void {
  const openIfAllowed = (url: string) => {
    if (!isAllowedExternalUrl(url)) return;
    openExternal(url).catch((error: unknown) => log('could not open external URL', error));
  };
  // A plain link to an allowlisted help page opens in the system browser; 'will-frame-navigate'
  // also fires for that main-frame navigation, so only 'will-navigate' opens (once).
  const guard =
    (kind: string, openAllowlisted: boolean) =>
    (event: { url: string; preventDefault(): void }) => {
      if (isAppUrl(event.url)) return;
      event.preventDefault();
      log(`${kind} blocked`, event.url);
      if (openAllowlisted) openIfAllowed(event.url);
    };

  contents.on('will-navigate', guard('navigation', true));
  contents.on('will-frame-navigate', guard('frame navigation', false));
  contents.on('will-redirect', guard('redirect', false));
  contents.setWindowOpenHandler(({ url }) => {
    log('window.open denied', url);
    openIfAllowed(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    log('webview denied');
    event.preventDefault();
  });
}
