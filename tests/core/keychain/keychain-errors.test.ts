import { describe, expect, it } from 'vitest';
import { KeychainUnavailable, type KeychainFailure } from '../../../electron/core/errors';
import { keychainTimeout, toKeychainError } from '../../../electron/core/keychain/keychain-errors';

// The exact texts keytar 7.9 + libsecret print (keychain-failure-modes.test.ts reproduces each
// of them for real).
const KNOWN: ReadonlyArray<readonly [string, KeychainFailure]> = [
  ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'no-dbus'],
  ['Could not connect: No such file or directory', 'dbus-unreachable'],
  ['The name org.freedesktop.secrets was not provided by any .service files', 'no-secret-service'],
  ['Cannot create an item in a locked collection', 'keyring-locked'],
  [
    'Object does not exist at path \u201c/org/freedesktop/secrets/collection/login\u201d',
    'no-login-keyring',
  ],
];

/** A message a store manager can act on: says what, why Keyholder stops, no internals. */
function expectActionable(error: KeychainUnavailable, raw: string) {
  expect(error).toBeInstanceOf(KeychainUnavailable);
  expect(error.code).toBe('keychain_unavailable');
  expect(error.details).toEqual({ reason: error.reason });
  expect(error.message).toMatch(/^The system keychain is unavailable\./);
  expect(error.message).toContain('will not open or create its local store');
  expect(error.message).not.toContain(raw);
  expect(error.message).not.toMatch(/\/org\/freedesktop|unix:path|\$DISPLAY|\.service files/);
  expect(error.message).not.toMatch(/\n\s+at /);
}

describe('toKeychainError', () => {
  it.each(KNOWN)('maps "%s" to %s', (raw, reason) => {
    const error = toKeychainError(new Error(raw));
    expect(error.reason).toBe(reason);
    expectActionable(error, raw);
  });

  it('gives each reason its own advice', () => {
    const messages = KNOWN.map(([raw]) => toKeychainError(new Error(raw)).message);
    expect(new Set(messages).size).toBe(KNOWN.length);
    expect(messages[2]).toMatch(/Ask IT to install .*gnome-keyring/);
    expect(messages[3]).toMatch(/Sign in to the desktop/);
  });

  it.each([
    ['Unable to autolaunch a dbus-daemon without a $DISPLAY for X11', 'no-dbus'],
    ['Could not connect: Connection refused', 'dbus-unreachable'],
    ['Cannot get secret of a locked object', 'keyring-locked'],
    [
      'Object does not exist at path \u201c/org/freedesktop/secrets/collection/work\u201d',
      'no-login-keyring',
    ],
  ] as const)('maps the variant "%s" to %s', (raw, reason) => {
    expect(toKeychainError(new Error(raw)).reason).toBe(reason);
  });

  it('does not take a missing item for a missing keyring', () => {
    const raw =
      'Object does not exist at path \u201c/org/freedesktop/secrets/collection/login/7\u201d';
    expect(toKeychainError(new Error(raw)).reason).toBe('unknown');
  });

  it('maps anything else, including non-Errors, to unknown with a generic message', () => {
    for (const raw of [new Error('GDBus.Error:org.example.Weird: at /a/b/c'), 'boom', 42, null]) {
      const error = toKeychainError(raw);
      expect(error.reason).toBe('unknown');
      expectActionable(error, String(raw));
      expect(error.message).toMatch(/unexpected problem/);
    }
  });

  it("treats D-Bus's own timeout as a keychain that does not answer", () => {
    const error = toKeychainError(new Error('Timeout was reached'));
    expect(error.reason).toBe('unknown');
    expect(error.message).toMatch(/did not answer within 25 seconds/);
  });

  it('keeps the raw error only as a non-enumerable cause (logs, never IPC)', () => {
    const raw = new Error(KNOWN[3]![0]);
    const error = toKeychainError(raw);
    expect((error as { cause?: unknown }).cause).toBe(raw);
    expect(Object.keys(error)).not.toContain('cause');
    expect(JSON.stringify({ ...error })).not.toContain('locked collection');
  });

  it('passes an existing KeychainUnavailable through unchanged', () => {
    const original = keychainTimeout(10_000);
    expect(toKeychainError(original)).toBe(original);
    expect(original.message).toMatch(/did not answer within 10 seconds/);
  });
});
