// The window security policy: which URLs are ours, which may leave the app, which permissions
// and requests a page gets, and the session / webContents hooks that enforce it (with fake
// Session and WebContents objects that record the handlers Electron would call).
import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  hardenSession,
  hardenWebContents,
  HELP_URL,
  isAllowedDownloadUrl,
  isAllowedExternalUrl,
  isAllowedPermission,
  isAllowedRequestUrl,
  isAppUrl,
  isSyncServerPageUrl,
  isTrustedSender,
} from '../../electron/main/security';
import { FakeEmitter, fakeFrame, preventable } from './fakes';

describe('isSyncServerPageUrl (what sync.accountPage may hand to shell.openExternal)', () => {
  it.each([
    'https://sync.example.com/account/forgot?lang=es',
    'https://sync.example.com/keyholder/account/find?lang=fr',
    'http://127.0.0.1:8080/account/forgot?lang=en',
    'http://localhost:8080/account/find',
  ])('allows %s', (url) => {
    expect(isSyncServerPageUrl(url)).toBe(true);
  });

  it.each([
    ['plain http off this computer', 'http://sync.example.com/account/forgot'],
    ['the API, not the page', 'https://sync.example.com/api/v1/account/find'],
    ['another page of the server', 'https://sync.example.com/account/reset'],
    ['a page below', 'https://sync.example.com/account/forgot/evil'],
    ['credentials', 'https://user:pw@sync.example.com/account/forgot'],
    ['file:', 'file:///account/forgot'],
    ['javascript:', 'javascript://x/account/forgot'],
    ['not a URL', '/account/forgot'],
  ])('refuses %s', (_name, url) => {
    expect(isSyncServerPageUrl(url)).toBe(false);
  });
});

describe('isAllowedExternalUrl', () => {
  it.each([
    'https://keyholder.example/help',
    'https://keyholder.example/help/',
    'https://keyholder.example/help/sign-in#totp',
    'https://keyholder.example/help/staff?lang=es',
    'https://KEYHOLDER.example/help',
    'https://keyholder.example/privacy',
  ])('allows %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(true);
  });

  it.each([
    ['http (no TLS)', 'http://keyholder.example/help'],
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: dressed as help', 'javascript://keyholder.example/help%0aalert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['file: UNC', 'file://attacker.example/share/payload.exe'],
    ['smb:', 'smb://keyholder.example/help'],
    ['ms-msdt handler', 'ms-msdt:/id PCWDiagnostic /skip force'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['our own app:', APP_ENTRY_URL],
    ['lookalike suffix host', 'https://keyholder.example.evil.test/help'],
    ['lookalike prefix host', 'https://evilkeyholder.example/help'],
    ['subdomain', 'https://help.keyholder.example/help'],
    ['host in the path', 'https://evil.test/keyholder.example/help'],
    ['credentials trick', 'https://keyholder.example@evil.test/help'],
    ['credentials on the right host', 'https://user:pw@keyholder.example/help'],
    ['explicit port', 'https://keyholder.example:8443/help'],
    ['path outside the allowlist', 'https://keyholder.example/download/keyholder.exe'],
    ['path prefix lookalike', 'https://keyholder.example/helpdesk-phish'],
    ['dot segments out of help', 'https://keyholder.example/help/../admin'],
    ['punycode lookalike', 'https://xn--keyholer-9fb.example/help'],
    ['not a URL', 'keyholder.example/help'],
    ['empty', ''],
    ['very long', `https://keyholder.example/help/${'a'.repeat(5000)}`],
  ])('refuses %s', (_name, url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });
});

describe('isAppUrl and isTrustedSender', () => {
  it.each([
    [APP_ENTRY_URL, true],
    [`${APP_ORIGIN}/`, true],
    [`${APP_ORIGIN}/assets/index-abc.js`, true],
    ['app://keyholder.evil/', false],
    ['app://evil/keyholder', false],
    ['app://a@keyholder/', false],
    ['app://keyholder:1/', false],
    ['https://keyholder/', false],
    ['file:///keyholder/index.html', false],
  ])('isAppUrl(%s) is %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });

  it('trusts only a live top-level frame of our origin', () => {
    expect(isTrustedSender(fakeFrame(APP_ENTRY_URL))).toBe(true);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
    expect(isTrustedSender(fakeFrame(APP_ENTRY_URL, { destroyed: true }))).toBe(false);
    expect(isTrustedSender(fakeFrame(APP_ENTRY_URL, { disposed: true }))).toBe(false);
    expect(isTrustedSender(fakeFrame(APP_ENTRY_URL, { parent: {} }))).toBe(false);
    expect(isTrustedSender(fakeFrame('https://evil.example/'))).toBe(false);
  });
});

describe('permissions, requests and downloads', () => {
  it('grants clipboard write to our top-level page only, nothing else to anyone', () => {
    expect(isAllowedPermission('clipboard-sanitized-write', APP_ORIGIN, true)).toBe(true);
    expect(isAllowedPermission('clipboard-sanitized-write', APP_ENTRY_URL, true)).toBe(true);
    expect(isAllowedPermission('clipboard-sanitized-write', APP_ORIGIN, false)).toBe(false);
    expect(isAllowedPermission('clipboard-sanitized-write', 'https://evil.example', true)).toBe(
      false,
    );
    for (const permission of [
      'clipboard-read',
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'hid',
      'usb',
      'serial',
      'fullscreen',
      'pointerLock',
      'display-capture',
      'fileSystem',
      'unknown',
    ]) {
      expect(isAllowedPermission(permission, APP_ORIGIN, true)).toBe(false);
    }
  });

  it.each([
    [APP_ENTRY_URL, true],
    ['data:image/png;base64,iVBORw0KGgo=', true],
    [`blob:${APP_ORIGIN}/6c1d1d0e-8a4e-4a4c-9d2e-1f1f1f1f1f1f`, true],
    ['devtools://devtools/bundled/inspector.html', true],
    ['https://keyholder.example/help', false],
    ['http://127.0.0.1:8080/api', false],
    ['ws://127.0.0.1:9229/', false],
    ['wss://evil.example/', false],
    ['file:///etc/passwd', false],
    ['blob:https://evil.example/abc', false],
    ['ftp://evil.example/', false],
  ])('request to %s allowed: %s', (url, expected) => {
    expect(isAllowedRequestUrl(url)).toBe(expected);
  });

  it('downloads only what the app made', () => {
    expect(isAllowedDownloadUrl(`blob:${APP_ORIGIN}/abc`)).toBe(true);
    expect(isAllowedDownloadUrl('data:text/csv,seq')).toBe(true);
    expect(isAllowedDownloadUrl('https://evil.example/keyholder-update.exe')).toBe(false);
    expect(isAllowedDownloadUrl('blob:https://evil.example/abc')).toBe(false);
  });
});

describe('hardenSession', () => {
  function fakeSession() {
    const calls: Record<string, unknown> = {};
    const events = new FakeEmitter();
    const session = {
      setPermissionRequestHandler: (h: unknown) => (calls.request = h),
      setPermissionCheckHandler: (h: unknown) => (calls.check = h),
      setDevicePermissionHandler: (h: unknown) => (calls.device = h),
      setDisplayMediaRequestHandler: (h: unknown) => (calls.displayMedia = h),
      webRequest: { onBeforeRequest: (h: unknown) => (calls.beforeRequest = h) },
      on: events.on.bind(events),
    };
    hardenSession(session as unknown as Session);
    return { calls, events };
  }

  it('denies permission requests except clipboard write for our page', () => {
    const { calls } = fakeSession();
    const request = calls.request as (
      wc: unknown,
      permission: string,
      cb: (granted: boolean) => void,
      details: { requestingUrl: string; isMainFrame: boolean },
    ) => void;
    const ask = (permission: string, requestingUrl = APP_ENTRY_URL, isMainFrame = true) => {
      const cb = vi.fn();
      request(null, permission, cb, { requestingUrl, isMainFrame });
      expect(cb).toHaveBeenCalledTimes(1);
      return cb.mock.calls[0]?.[0] as boolean;
    };
    expect(ask('media')).toBe(false);
    expect(ask('geolocation')).toBe(false);
    expect(ask('notifications')).toBe(false);
    expect(ask('openExternal')).toBe(false);
    expect(ask('clipboard-read')).toBe(false);
    expect(ask('clipboard-sanitized-write')).toBe(true);
    expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(ask('clipboard-sanitized-write', APP_ENTRY_URL, false)).toBe(false);
  });

  it('denies permission checks, device access and screen capture', () => {
    const { calls } = fakeSession();
    const check = calls.check as (
      wc: unknown,
      permission: string,
      origin: string,
      details: { isMainFrame: boolean },
    ) => boolean;
    expect(check(null, 'media', APP_ORIGIN, { isMainFrame: true })).toBe(false);
    expect(check(null, 'hid', APP_ORIGIN, { isMainFrame: true })).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', APP_ORIGIN, { isMainFrame: true })).toBe(true);
    expect(
      check(null, 'clipboard-sanitized-write', 'https://evil.example', { isMainFrame: true }),
    ).toBe(false);
    expect((calls.device as () => boolean)()).toBe(false);
    const cb = vi.fn();
    (calls.displayMedia as (req: unknown, cb: unknown) => void)({}, cb);
    expect(cb).toHaveBeenCalledWith(null);
  });

  it('cancels network requests and foreign downloads', () => {
    const { calls, events } = fakeSession();
    const before = calls.beforeRequest as (
      d: { url: string },
      cb: (r: { cancel: boolean }) => void,
    ) => void;
    const decide = (url: string) => {
      const cb = vi.fn();
      before({ url }, cb);
      return (cb.mock.calls[0]?.[0] as { cancel: boolean }).cancel;
    };
    expect(decide('https://evil.example/exfiltrate?x=1')).toBe(true);
    expect(decide(`${APP_ORIGIN}/assets/app.js`)).toBe(false);

    const foreign = preventable();
    events.emit('will-download', foreign, { getURL: () => 'https://evil.example/a.exe' });
    expect(foreign.defaultPrevented).toBe(true);
    const ours = preventable();
    events.emit('will-download', ours, { getURL: () => `blob:${APP_ORIGIN}/1` });
    expect(ours.defaultPrevented).toBe(false);
  });
});

describe('hardenWebContents', () => {
  function fakeContents() {
    const events = new FakeEmitter();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: events.on.bind(events),
      setWindowOpenHandler: (h: typeof openHandler) => {
        openHandler = h;
      },
    };
    const openExternal = vi.fn(async (_url: string) => {});
    hardenWebContents(contents as unknown as WebContents, { openExternal });
    return { events, openExternal, open: (url: string) => openHandler!({ url }) };
  }

  it('blocks navigation away from the app, in every frame and on redirects', () => {
    const { events, openExternal } = fakeContents();
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      for (const url of ['https://evil.example/', 'file:///etc/passwd', 'http://127.0.0.1/']) {
        const e = preventable({ url });
        events.emit(event, e);
        expect(e.defaultPrevented, `${event} ${url}`).toBe(true);
      }
      const inside = preventable({ url: `${APP_ORIGIN}/index.html#/staff` });
      events.emit(event, inside);
      expect(inside.defaultPrevented).toBe(false);
    }
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('a link to the help page opens in the system browser once, not in the window', () => {
    const { events, openExternal } = fakeContents();
    const navigate = preventable({ url: HELP_URL });
    events.emit('will-navigate', navigate);
    events.emit('will-frame-navigate', preventable({ url: HELP_URL }));
    expect(navigate.defaultPrevented).toBe(true);
    expect(openExternal).toHaveBeenCalledTimes(1);
    expect(openExternal).toHaveBeenCalledWith(HELP_URL);
  });

  it('denies every new window; only allowlisted https goes to the system browser', () => {
    const { open, openExternal } = fakeContents();
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(open(`${APP_ORIGIN}/index.html`)).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
    expect(open(`${HELP_URL}/totp`)).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith(`${HELP_URL}/totp`);
  });

  it('refuses <webview>', () => {
    const { events } = fakeContents();
    const e = preventable();
    events.emit('will-attach-webview', e, {}, {});
    expect(e.defaultPrevented).toBe(true);
  });
});
