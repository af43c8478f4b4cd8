import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { keychainReady } from '../../support/keyring';

// The global setup configures the keyring through process.env; libsecret in this worker only
// sees it if vitest really forked the worker after the setup ran. Prove it.
describe('test keyring harness', () => {
  const info = inject('keyholderKeyring');

  it('reports a definite keychain state to the workers', () => {
    expect(['ready', 'unavailable']).toContain(process.env.KEYHOLDER_TEST_KEYCHAIN);
    expect(keychainReady()).toBe(info.mode !== 'none');
  });

  it.runIf(keychainReady())('gives the workers the bus the setup prepared', () => {
    expect(process.env.DBUS_SESSION_BUS_ADDRESS).toBe(info.busAddress);
  });

  it.runIf(info.mode === 'private')('never points tests at the developer keyring', () => {
    // A private bus lives in the harness's scratch directory, not in the user's session.
    expect(info.busAddress).toMatch(
      new RegExp(
        `^unix:path=${join(tmpdir(), 'keyholder-keyring-').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      ),
    );
  });
});
