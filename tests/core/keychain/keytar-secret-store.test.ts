import keytar from 'keytar';
import { afterAll, describe, expect, it } from 'vitest';
import { KeychainUnavailable } from '../../../electron/core/errors';
import {
  KeytarSecretStore,
  type KeytarBackend,
} from '../../../electron/core/keychain/keytar-secret-store';
import { KEYCHAIN_SERVICE, secretName } from '../../../electron/core/keychain/secret-store';
import { describeWithKeychain } from '../../support/keyring';

const key = secretName('profile-a', 'database-key');

/** A keytar stand-in: an in-memory map, optionally behaving like a locked gnome-keyring. */
function fakeBackend(overrides: Partial<KeytarBackend> = {}): KeytarBackend & {
  calls: string[];
} {
  const items = new Map<string, string>();
  const calls: string[] = [];
  return {
    calls,
    async getPassword(service, account) {
      calls.push(`get ${account}`);
      return items.get(`${service}\0${account}`) ?? null;
    },
    async setPassword(service, account, value) {
      calls.push(`set ${account}`);
      items.set(`${service}\0${account}`, value);
    },
    async deletePassword(service, account) {
      calls.push(`delete ${account}`);
      return items.delete(`${service}\0${account}`);
    },
    ...overrides,
  };
}

describe('KeytarSecretStore (unit, fake keytar)', () => {
  it('maps every keytar rejection to KeychainUnavailable', async () => {
    const store = new KeytarSecretStore({
      backend: fakeBackend({
        setPassword: () =>
          Promise.reject(new Error('Cannot create an item in a locked collection')),
      }),
    });
    await expect(store.set(key, 'v')).rejects.toMatchObject({
      name: 'KeychainUnavailable',
      reason: 'keyring-locked',
    });
  });

  it('maps a synchronous throw as well', async () => {
    const store = new KeytarSecretStore({
      backend: fakeBackend({
        getPassword: () => {
          throw new Error('Could not connect: No such file or directory');
        },
      }),
    });
    await expect(store.get(key)).rejects.toMatchObject({ reason: 'dbus-unreachable' });
  });

  it('gives up after the timeout with a clear message', async () => {
    const store = new KeytarSecretStore({
      timeoutMs: 50,
      backend: fakeBackend({ getPassword: () => new Promise<never>(() => {}) }),
    });
    const error = await store.get(key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeychainUnavailable);
    expect(error).toMatchObject({ reason: 'unknown' });
    expect((error as Error).message).toMatch(/did not answer within 1 second\. Answer any/);
  });

  it('confirms a miss with a throw-away write, then leaves nothing behind', async () => {
    const backend = fakeBackend();
    const store = new KeytarSecretStore({ backend, confirmMisses: true });
    expect(await store.get(key)).toBeNull();
    expect(backend.calls).toEqual([
      `get ${key}`,
      'set .keyholder-keychain-check',
      'delete .keyholder-keychain-check',
    ]);
    expect(await backend.getPassword(KEYCHAIN_SERVICE, '.keyholder-keychain-check')).toBeNull();
  });

  it('does not pay for the check on a hit', async () => {
    const backend = fakeBackend();
    const store = new KeytarSecretStore({ backend, confirmMisses: true });
    await store.set(key, 'v');
    backend.calls.length = 0;
    expect(await store.get(key)).toBe('v');
    expect(backend.calls).toEqual([`get ${key}`]);
  });
});

// Against the real Secret Service the global setup prepared (a private gnome-keyring, or CI's).
describeWithKeychain('KeytarSecretStore (real gnome-keyring)', () => {
  // Own service name per run: parallel files and earlier runs cannot collide.
  const service = `Keyholder-test-${process.pid}-${Date.now()}`;
  const store = new KeytarSecretStore({ service, timeoutMs: 10_000 });
  const used = new Set<string>();
  const name = (profile: string) => {
    const n = secretName(profile, 'database-key');
    used.add(n);
    return n;
  };

  afterAll(async () => {
    for (const account of used) await keytar.deletePassword(service, account);
  });

  it('round-trips set, get and delete', async () => {
    const n = name('round-trip');
    await store.set(n, 'c2VjcmV0LWtleQ==');
    expect(await store.get(n)).toBe('c2VjcmV0LWtleQ==');
    // Under the configured service and the fixed account name, as keytar sees it.
    expect(await keytar.getPassword(service, 'round-trip/database-key')).toBe('c2VjcmV0LWtleQ==');
    expect(await store.delete(n)).toBe(true);
    expect(await store.get(n)).toBeNull();
  });

  it('returns null for a missing item and false for deleting it (no error)', async () => {
    const n = name('never-stored');
    expect(await store.get(n)).toBeNull();
    expect(await store.delete(n)).toBe(false);
    // The miss check cleaned up after itself.
    expect(await keytar.getPassword(service, '.keyholder-keychain-check')).toBeNull();
  });

  it('keeps unicode values intact', async () => {
    const n = name('unicode');
    const value = 'Zürich ☕ — 東京 🔑 \u00e9\u0301 ﬀ';
    await store.set(n, value);
    expect(await store.get(n)).toBe(value);
  });

  it('overwrites an existing item', async () => {
    const n = name('overwrite');
    await store.set(n, 'one');
    await store.set(n, 'two');
    expect(await store.get(n)).toBe('two');
  });

  it('keeps two profiles apart', async () => {
    const a = name('store-0042');
    const b = name('store-0043');
    await store.set(a, 'key-a');
    await store.set(b, 'key-b');
    expect(await store.get(a)).toBe('key-a');
    expect(await store.get(b)).toBe('key-b');
    expect(await store.delete(a)).toBe(true);
    expect(await store.get(a)).toBeNull();
    expect(await store.get(b)).toBe('key-b');
  });

  it("uses the service 'Keyholder' by default", async () => {
    const n = name(`default-service-${process.pid}`);
    const production = new KeytarSecretStore();
    try {
      await production.set(n, 'v');
      expect(await keytar.getPassword(KEYCHAIN_SERVICE, n)).toBe('v');
      expect(await keytar.getPassword(service, n)).toBeNull();
    } finally {
      await production.delete(n);
    }
  });
});
