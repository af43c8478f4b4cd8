// The IPC boundary of the desktop app (invariant 2): every contract channel is registered
// through registerContract, an untrusted sender frame is refused before anything else happens,
// a bad payload gets the generic error and changes nothing, and a good call reaches the real
// core with a per-window session. ipcMain is a fake (the Electron binary cannot run here);
// dispatch, the schemas and the core are real.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CHANNELS,
  contract,
  INTERNAL_ERROR,
  INVALID_REQUEST,
  type Channel,
} from '../../common/ipc/contract';
import { CHANNEL_NAMES } from '../../common/ipc/channels';
import { createApiHandlers, type ApiHandlers } from '../../electron/core/api/api-handlers';
import type { WindowContext } from '../../electron/core/api/window-context';
import { registerContract, WindowContexts } from '../../electron/main/ipc';
import { ADMIN_PASSWORD, CoreHarness } from '../support/core-harness';
import { fakeFrame, FakeIpcMain, FakeWebContents, sender, type FakeSender } from './fakes';

const APP_PAGE = 'app://keyholder/index.html';
const REFUSED = { ok: false, error: INVALID_REQUEST };

/** Handlers that record calls and must never be reached in the refusal tests. */
function spyHandlers(): ApiHandlers {
  return Object.fromEntries(CHANNELS.map((c) => [c, vi.fn(() => ({}))])) as unknown as ApiHandlers;
}

const untrustedSenders: Array<[string, () => FakeSender]> = [
  ['another https origin', () => sender(fakeFrame('https://evil.example/'))],
  ['a file:// page', () => sender(fakeFrame('file:///opt/Keyholder/resources/index.html'))],
  ['a missing frame', () => sender(null)],
  ['a destroyed frame', () => sender(fakeFrame(APP_PAGE, { destroyed: true }))],
  ['a disposed frame that throws', () => sender(fakeFrame(APP_PAGE, { disposed: true }))],
  ['an iframe, even of our origin', () => sender(fakeFrame(APP_PAGE, { parent: {} }))],
  ['another app:// host', () => sender(fakeFrame('app://evil/index.html'))],
  ['a lookalike app:// host', () => sender(fakeFrame('app://keyholder.evil.example/'))],
  ['app:// with credentials', () => sender(fakeFrame('app://user:pw@keyholder/index.html'))],
  ['app:// with a port', () => sender(fakeFrame('app://keyholder:8080/index.html'))],
  ['http loopback', () => sender(fakeFrame('http://127.0.0.1:5173/'))],
  ['about:blank', () => sender(fakeFrame('about:blank'))],
  ['a data: URL', () => sender(fakeFrame('data:text/html,<script>x</script>'))],
  ['an unparsable URL', () => sender(fakeFrame('not a url'))],
];

/** Payloads no channel accepts (every request schema is a strict object). */
const badPayloads: Array<[string, unknown]> = [
  ['a number', 42],
  ['a string', 'auth.signIn'],
  ['an array', [{}]],
  ['null-prototype junk', Object.assign(Object.create(null) as object, { junk: true })],
  ['an unknown key', { unexpected: true }],
];

describe('registerContract', () => {
  it('registers exactly one handler for every contract channel', () => {
    const ipc = new FakeIpcMain();
    const registered = registerContract(ipc, {
      handlers: spyHandlers(),
      contextFor: new WindowContexts().contextFor,
    });
    expect([...ipc.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    expect([...registered].sort()).toEqual(Object.keys(contract).sort());
    expect(new Set(CHANNEL_NAMES).size).toBe(CHANNEL_NAMES.length);
    expect([...CHANNEL_NAMES].sort()).toEqual(Object.keys(contract).sort());
  });

  it('throws if registered twice (one helper, one registration)', () => {
    const ipc = new FakeIpcMain();
    const options = { handlers: spyHandlers(), contextFor: new WindowContexts().contextFor };
    registerContract(ipc, options);
    expect(() => registerContract(ipc, options)).toThrow(/second handler/);
  });

  describe.each(untrustedSenders)('a call from %s', (_name, makeSender) => {
    it.each(CHANNELS)('is refused on %s, and nothing runs', async (channel) => {
      const ipc = new FakeIpcMain();
      const handlers = spyHandlers();
      const contextFor = vi.fn((_owner: unknown) => ({ sessionId: null, parked: [] }));
      const onError = vi.fn();
      const onRefused = vi.fn();
      registerContract(ipc, { handlers, contextFor, onError, onRefused });

      const result = await ipc.invoke(makeSender(), channel, validLooking(channel));

      expect(result).toEqual(REFUSED);
      for (const c of CHANNELS) expect(handlers[c]).not.toHaveBeenCalled();
      expect(contextFor).not.toHaveBeenCalled();
      expect(onError).not.toHaveBeenCalled();
      expect(onRefused).toHaveBeenCalledTimes(1);
      expect(onRefused.mock.calls[0]?.[0]).toBe(channel);
    });
  });

  describe.each(badPayloads)('a trusted call with %s', (_name, payload) => {
    it.each(CHANNELS)('gets the generic invalid_request on %s', async (channel) => {
      const ipc = new FakeIpcMain();
      const handlers = spyHandlers();
      registerContract(ipc, { handlers, contextFor: new WindowContexts().contextFor });
      const result = await ipc.invoke(sender(fakeFrame(APP_PAGE)), channel, payload);
      expect(result).toEqual(REFUSED);
      expect(handlers[channel]).not.toHaveBeenCalled();
    });
  });

  it('an unexpected handler failure is a generic error for the page and a log line for main', async () => {
    const ipc = new FakeIpcMain();
    const handlers = spyHandlers();
    (handlers['app.state'] as unknown as ReturnType<typeof vi.fn>).mockImplementation(() => {
      throw new Error('SQLITE_CORRUPT at /home/store/keyholder.db');
    });
    const onError = vi.fn();
    registerContract(ipc, { handlers, contextFor: new WindowContexts().contextFor, onError });
    const result = await ipc.invoke(sender(fakeFrame(APP_PAGE)), 'app.state', {});
    expect(result).toEqual({ ok: false, error: INTERNAL_ERROR });
    expect(JSON.stringify(result)).not.toContain('SQLITE');
    expect(onError).toHaveBeenCalledWith('app.state', expect.any(Error));
  });
});

/** A payload that would pass for the simplest channels, so only the sender can be the reason. */
function validLooking(channel: Channel): unknown {
  return channel === 'staff.list' ? { search: '' } : {};
}

describe('registerContract with the real core', () => {
  let harness: CoreHarness;
  let ipc: FakeIpcMain;
  let contexts: WindowContexts;
  let win: FakeSender;

  beforeEach(async () => {
    harness = new CoreHarness();
    await harness.open();
    ipc = new FakeIpcMain();
    contexts = new WindowContexts();
    registerContract(ipc, {
      handlers: createApiHandlers(harness.kh),
      contextFor: contexts.contextFor,
      onError: (channel, error) => {
        throw new Error(`unexpected failure on ${channel}: ${String(error)}`);
      },
    });
    win = sender(fakeFrame(APP_PAGE));
  });

  afterEach(() => harness.dispose());

  /** Every row of every table: "changes nothing" means this is identical before and after. */
  function snapshot(): string {
    const tables = harness.kh.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as Array<{ name: string }>;
    return JSON.stringify(
      tables.map(({ name }) => [name, harness.kh.db.prepare(`SELECT * FROM "${name}"`).all()]),
    );
  }

  async function firstRunThroughIpc(window: FakeSender) {
    const step = (await ipc.invoke(window, 'setup.createFirstAdmin', {
      profile: 'standard',
      storeName: 'Maple Street',
      brandName: 'Northwind Coffee',
      username: 'Ada.Admin',
      displayName: 'Ada Admin',
      email: 'ada@example.test',
      password: ADMIN_PASSWORD,
    })) as { ok: true; data: { status: string; challengeId: string } };
    expect(step).toMatchObject({ ok: true, data: { status: 'needs_totp_enrollment' } });
    const challengeId = step.data.challengeId;
    const enrollment = (await ipc.invoke(window, 'auth.beginEnrollment', { challengeId })) as {
      ok: true;
      data: { manualKey: string };
    };
    expect(enrollment.ok).toBe(true);
    const done = await ipc.invoke(window, 'auth.confirmEnrollment', {
      challengeId,
      code: harness.code(enrollment.data.manualKey),
    });
    expect(done).toMatchObject({ ok: true, data: { status: 'signed_in' } });
    harness.clock.advance(30_000);
  }

  it('app.state from our page reaches the core', async () => {
    const result = await ipc.invoke(win, 'app.state', {});
    expect(result).toMatchObject({
      ok: true,
      data: { needsSetup: true, session: null, parked: [], time: { ok: true } },
    });
  });

  it('a payload is optional where the request is empty', async () => {
    expect(await ipc.invoke(win, 'app.state')).toMatchObject({ ok: true });
  });

  it('first run through IPC binds the session to that window only', async () => {
    await firstRunThroughIpc(win);

    const mine = await ipc.invoke(win, 'app.state', {});
    expect(mine).toMatchObject({ ok: true, data: { session: { username: 'ada.admin' } } });
    expect(await ipc.invoke(win, 'staff.list', { search: '' })).toMatchObject({ ok: true });

    // A second window (another webContents) has its own context: not signed in.
    const other = sender(fakeFrame(APP_PAGE));
    expect(await ipc.invoke(other, 'app.state', {})).toMatchObject({
      ok: true,
      data: { session: null },
    });
    expect(await ipc.invoke(other, 'staff.list', { search: '' })).toMatchObject({
      ok: false,
      error: { code: 'session_ended' },
    });
    expect(contexts.size).toBe(2);
  });

  it('closing a window drops its context; a new window starts signed out', async () => {
    await firstRunThroughIpc(win);
    win.contents.destroy();
    expect(contexts.size).toBe(0);
    const reopened = sender(fakeFrame(APP_PAGE));
    expect(await ipc.invoke(reopened, 'app.state', {})).toMatchObject({
      ok: true,
      data: { session: null, needsSetup: false },
    });
  });

  it('an untrusted frame in the signed-in window gets nothing and changes nothing', async () => {
    await firstRunThroughIpc(win);
    const before = snapshot();
    const hostile = { contents: win.contents, frame: fakeFrame('https://evil.example/') };
    for (const channel of CHANNELS) {
      expect(await ipc.invoke(hostile, channel, validLooking(channel))).toEqual(REFUSED);
    }
    expect(snapshot()).toBe(before);
    // The window's own session is untouched by the refused calls (signOut, switchUser, …).
    expect(await ipc.invoke(win, 'app.state', {})).toMatchObject({
      ok: true,
      data: { session: { username: 'ada.admin', state: 'active' } },
    });
  });

  it('bad payloads on every channel change nothing in the store or the window', async () => {
    await firstRunThroughIpc(win);
    const ctx: WindowContext = contexts.contextFor(win.contents);
    const sessionBefore = ctx.sessionId;
    const before = snapshot();
    for (const channel of CHANNELS) {
      for (const [, payload] of badPayloads) {
        expect(await ipc.invoke(win, channel, payload)).toEqual(REFUSED);
      }
    }
    expect(snapshot()).toBe(before);
    expect(ctx.sessionId).toBe(sessionBefore);
  });

  it('a wrong-typed field on a write is refused without writing', async () => {
    await firstRunThroughIpc(win);
    const before = snapshot();
    const attempts: Array<[Channel, unknown]> = [
      ['staff.create', { username: 'bob', displayName: 'Bob', email: '', role: 'root' }],
      ['staff.create', { username: 'bob', displayName: 'Bob', email: '', role: 'admin', x: 1 }],
      ['staff.setStatus', { accountId: 'not-a-uuid', status: 'disabled' }],
      ['me.changePassword', { currentPassword: ADMIN_PASSWORD, newPassword: 'x'.repeat(5000) }],
      ['auth.signIn', { username: 'ada.admin', password: ADMIN_PASSWORD, role: 'admin' }],
      ['session.signOut', { sessionId: '00000000-0000-4000-8000-000000000000' }],
    ];
    for (const [channel, payload] of attempts) {
      expect(await ipc.invoke(win, channel, payload)).toEqual(REFUSED);
    }
    expect(snapshot()).toBe(before);
  });
});

describe('WindowContexts', () => {
  it('keeps one context per webContents id and forgets it on destroy', () => {
    const contexts = new WindowContexts();
    const a = new FakeWebContents();
    const b = new FakeWebContents();
    const ctxA = contexts.contextFor(a);
    expect(contexts.contextFor(a)).toBe(ctxA);
    expect(contexts.contextFor(b)).not.toBe(ctxA);
    a.destroy();
    expect(contexts.size).toBe(1);
    expect(contexts.contextFor(a)).not.toBe(ctxA);
  });
});
