import { describe, expect, it } from 'vitest';
import { KeychainUnavailable } from '../../../electron/core/errors';
import { secretName } from '../../../electron/core/keychain/secret-store';
import { MemorySecretStore } from '../../support/memory-secret-store';

const key = secretName('p1', 'database-key');

describe('MemorySecretStore (test double for other services)', () => {
  it('stores, reads and deletes like the keychain', async () => {
    const store = new MemorySecretStore();
    expect(await store.get(key)).toBeNull();
    await store.set(key, 'v');
    expect(await store.get(key)).toBe('v');
    expect(await store.delete(key)).toBe(true);
    expect(await store.delete(key)).toBe(false);
  });

  it('fails with the same typed error as the real store', async () => {
    const store = new MemorySecretStore({ items: [[key, 'v']], failWith: 'no-secret-service' });
    await expect(store.get(key)).rejects.toMatchObject({
      name: 'KeychainUnavailable',
      reason: 'no-secret-service',
      message: expect.stringMatching(/^The system keychain is unavailable/),
    });
    await expect(store.set(key, 'x')).rejects.toBeInstanceOf(KeychainUnavailable);
    expect(store.recover().peek(key)).toBe('v');
  });

  it('can fail only some operations', async () => {
    const store = new MemorySecretStore().failWith('unknown', ['set']);
    expect(await store.get(key)).toBeNull();
    await expect(store.set(key, 'x')).rejects.toMatchObject({ reason: 'unknown' });
  });
});
