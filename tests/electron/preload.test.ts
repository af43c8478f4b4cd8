// The preload exposes `window.keyholder` = the contract's verbs, namespaced, and nothing else;
// each verb invokes exactly its own channel with exactly one argument. contextBridge and
// ipcRenderer are fakes (the one allowed mock).
import { describe, expect, it, vi } from 'vitest';
import { CHANNELS, splitChannel } from '../../common/ipc/contract';

const electron = vi.hoisted(() => ({
  exposed: [] as Array<[string, unknown]>,
  invoke: vi.fn(async (channel: string, request: unknown) => ({
    ok: true,
    data: { channel, request },
  })),
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => electron.exposed.push([key, api]),
  },
  ipcRenderer: {
    invoke: electron.invoke,
    // Present on the real ipcRenderer; the preload must not hand any of these out.
    send: vi.fn(),
    sendSync: vi.fn(),
    on: vi.fn(),
    postMessage: vi.fn(),
  },
}));

await import('../../electron/preload/preload');

type Api = Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>;

function exposedApi(): Api {
  expect(electron.exposed).toHaveLength(1);
  const [key, api] = electron.exposed[0]!;
  expect(key).toBe('keyholder');
  return api as Api;
}

describe('preload', () => {
  it('exposes one object, window.keyholder, once', () => {
    exposedApi();
  });

  it('has exactly the namespaces and verbs of the contract', () => {
    const api = exposedApi();
    const expected: Record<string, string[]> = {};
    for (const channel of CHANNELS) {
      const [ns, verb] = splitChannel(channel);
      (expected[ns] ??= []).push(verb);
    }
    expect(Object.keys(api).sort()).toEqual(Object.keys(expected).sort());
    for (const [ns, verbs] of Object.entries(expected)) {
      expect(Object.keys(api[ns]!).sort(), ns).toEqual([...verbs].sort());
    }
    const count = Object.values(api).reduce((n, verbs) => n + Object.keys(verbs).length, 0);
    expect(count).toBe(CHANNELS.length);
  });

  it('exposes functions only: no ipcRenderer, no events, no Node, no raw invoke', () => {
    const api = exposedApi();
    for (const [ns, verbs] of Object.entries(api)) {
      expect(typeof verbs, ns).toBe('object');
      for (const [verb, fn] of Object.entries(verbs)) {
        expect(typeof fn, `${ns}.${verb}`).toBe('function');
      }
    }
    const names = JSON.stringify(
      Object.entries(api).map(([ns, verbs]) => [ns, Object.keys(verbs)]),
    );
    for (const forbidden of [
      'ipcRenderer',
      'invoke',
      'send',
      'sendSync',
      'on',
      'once',
      'removeListener',
      'postMessage',
      'require',
      'process',
      'Buffer',
      'electron',
    ]) {
      expect(names).not.toMatch(new RegExp(`"${forbidden}"`));
    }
  });

  it.each(CHANNELS)('%s invokes its own channel with exactly one argument', async (channel) => {
    const api = exposedApi();
    const [ns, verb] = splitChannel(channel);
    electron.invoke.mockClear();
    const request = { marker: channel };
    const result = await api[ns]![verb]!(request, 'extra', { sessionId: 'forged' });
    expect(electron.invoke).toHaveBeenCalledTimes(1);
    expect(electron.invoke.mock.calls[0]).toEqual([channel, request]);
    expect(result).toEqual({ ok: true, data: { channel, request } });
  });

  it('is frozen: a page cannot swap a verb for its own function', () => {
    const api = exposedApi();
    expect(Object.isFrozen(api)).toBe(true);
    for (const verbs of Object.values(api)) expect(Object.isFrozen(verbs)).toBe(true);
  });
});
