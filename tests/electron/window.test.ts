// Every window's webPreferences and the Content-Security-Policy its pages get. BrowserWindow
// and screen are fakes (the one allowed mock: the Electron binary cannot run here) that record
// what createMainWindow asks for.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const windows: Array<{ options: Record<string, unknown>; loaded: string[]; shown: boolean }> = [];
  class BrowserWindow {
    readonly record: { options: Record<string, unknown>; loaded: string[]; shown: boolean };
    private readyToShow: (() => void) | undefined;
    constructor(options: Record<string, unknown>) {
      this.record = { options, loaded: [], shown: false };
      windows.push(this.record);
    }
    once(event: string, listener: () => void) {
      if (event === 'ready-to-show') this.readyToShow = listener;
      return this;
    }
    loadURL(url: string) {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
    show() {
      this.record.shown = true;
    }
    emitReadyToShow() {
      this.readyToShow?.();
    }
  }
  const screen = { getPrimaryDisplay: () => ({ workAreaSize: { width: 1024, height: 728 } }) };
  return { windows, BrowserWindow, screen };
});

vi.mock('electron', () => ({ BrowserWindow: electron.BrowserWindow, screen: electron.screen }));

const { createMainWindow, mainWindowPreferences, WEB_PREFERENCES } =
  await import('../../electron/main/window');
const { APP_ENTRY_URL, CONTENT_SECURITY_POLICY } = await import('../../electron/main/security');
const { CONTENT_SECURITY_POLICY: SHELL_CSP } = await import('../../electron/shell/browser-shell');

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

beforeEach(() => {
  electron.windows.length = 0;
});

describe('WEB_PREFERENCES', () => {
  it('sets every security-relevant preference explicitly', () => {
    expect(WEB_PREFERENCES.contextIsolation).toBe(true);
    expect(WEB_PREFERENCES.sandbox).toBe(true);
    expect(WEB_PREFERENCES.nodeIntegration).toBe(false);
    expect(WEB_PREFERENCES.nodeIntegrationInWorker).toBe(false);
    expect(WEB_PREFERENCES.nodeIntegrationInSubFrames).toBe(false);
    expect(WEB_PREFERENCES.webSecurity).toBe(true);
    expect(WEB_PREFERENCES.allowRunningInsecureContent).toBe(false);
    expect(WEB_PREFERENCES.experimentalFeatures).toBe(false);
    expect(WEB_PREFERENCES.webviewTag).toBe(false);
    expect(WEB_PREFERENCES.spellcheck).toBe(false);
    expect(WEB_PREFERENCES.navigateOnDragDrop).toBe(false);
    expect(WEB_PREFERENCES.safeDialogs).toBe(true);
  });

  it('has nothing else in it (a new key must be added here on purpose)', () => {
    expect(Object.keys(WEB_PREFERENCES).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'experimentalFeatures',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'safeDialogs',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag',
      ].sort(),
    );
  });

  it('is frozen', () => {
    expect(Object.isFrozen(WEB_PREFERENCES)).toBe(true);
    expect(() => {
      (WEB_PREFERENCES as { sandbox: boolean }).sandbox = false;
    }).toThrow();
  });
});

describe('createMainWindow', () => {
  const preload = '/opt/Keyholder/resources/app.asar/dist/preload/preload.cjs';

  it('passes exactly WEB_PREFERENCES plus the preload, DevTools off in production', () => {
    createMainWindow({ preload, devTools: false });
    expect(electron.windows).toHaveLength(1);
    const options = electron.windows[0]!.options;
    expect(options.webPreferences).toEqual({ ...WEB_PREFERENCES, preload, devTools: false });
    expect(options.webPreferences).toEqual(mainWindowPreferences({ preload, devTools: false }));
  });

  it('enables DevTools only when asked (development builds)', () => {
    createMainWindow({ preload, devTools: true });
    const prefs = electron.windows[0]!.options.webPreferences as Record<string, unknown>;
    expect(prefs.devTools).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
  });

  it('loads the UI from app://keyholder only, and shows it when ready', () => {
    const win = createMainWindow({ preload, devTools: false }) as unknown as {
      emitReadyToShow(): void;
    };
    const record = electron.windows[0]!;
    expect(record.loaded).toEqual([APP_ENTRY_URL]);
    expect(APP_ENTRY_URL).toBe('app://keyholder/index.html');
    expect(record.options.show).toBe(false);
    win.emitReadyToShow();
    expect(record.shown).toBe(true);
  });

  it('fits a 1024×768 store PC screen', () => {
    createMainWindow({ preload, devTools: false });
    const options = electron.windows[0]!.options as Record<string, number>;
    expect(options.width).toBeLessThanOrEqual(1024);
    expect(options.height).toBeLessThanOrEqual(728);
    expect(options.minWidth).toBeLessThanOrEqual(1024);
    expect(options.minHeight).toBeLessThanOrEqual(728);
  });

  it('is the only place electron/main creates a window or sets webPreferences', () => {
    const dir = join(repoRoot, 'electron/main');
    const sources = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')] as const);
    const creating = sources.filter(([, text]) => /new\s+BrowserWindow\s*\(/.test(text));
    expect(creating.map(([f]) => f)).toEqual(['window.ts']);
    const withPrefs = sources.filter(([, text]) => /webPreferences\s*:/.test(text));
    expect(withPrefs.map(([f]) => f)).toEqual(['window.ts']);
    // No code path builds a BrowserView/WebContentsView or a <webview> either.
    for (const [file, text] of sources) {
      expect(text, file).not.toMatch(/new\s+(BrowserView|WebContentsView)\s*\(/);
    }
  });
});

describe('Content-Security-Policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  );

  it("allows only the app's own scripts: no inline script, no eval", () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-inline'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('*');
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:/);
  });

  it('locks down the rest', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    // data: only for images (the TOTP QR code), never for scripts.
    expect(directives.get('img-src')).toEqual(["'self'", 'data:']);
  });

  it("is the browser shell's policy, character for character", () => {
    expect(CONTENT_SECURITY_POLICY).toBe(SHELL_CSP);
  });
});
