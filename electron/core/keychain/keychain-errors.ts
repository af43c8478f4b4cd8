import { KeychainUnavailable, type KeychainFailure } from '../errors';

/**
 * Turns whatever keytar (libsecret over D-Bus on Linux) rejected with into the one typed error
 * the rest of Keyholder understands. The raw text is full of D-Bus object paths and library
 * jargon a store manager cannot act on, so it never reaches the message; it is kept only as the
 * non-enumerable `cause` for support logs (non-enumerable so it is not copied when the error is
 * serialised across IPC).
 */

// Every message starts by saying what is wrong and why Keyholder stops (invariant 3: the keychain
// is the only place device keys live, so there is nothing to fall back to).
const LEAD =
  'The system keychain is unavailable. Keyholder keeps its keys only in the system keychain, ' +
  'so it will not open or create its local store.';

const ADVICE: Readonly<Record<KeychainFailure, string>> = {
  'no-dbus':
    'Keyholder was started outside a desktop session, where the keychain cannot be reached. ' +
    'Sign in to the desktop and start Keyholder from there. If this PC starts Keyholder ' +
    'automatically (kiosk or service), ask IT to start it inside the signed-in desktop session.',
  'dbus-unreachable':
    "The desktop session's message service (D-Bus) is not responding. Sign out and sign in " +
    'again, or restart the PC. If it keeps happening, ask IT to check the desktop session.',
  'no-secret-service':
    'No keychain service is installed or running on this PC. Ask IT to install and start a ' +
    'keychain service (on Linux: the gnome-keyring package), then restart Keyholder.',
  'keyring-locked':
    'The keychain is locked. Sign in to the desktop with your password (that normally unlocks ' +
    'it) or unlock it in the keychain app, then try again.',
  'no-login-keyring':
    'This computer account has no default keychain yet. Sign in to the desktop once with a ' +
    'password so it is created and unlocked (or ask IT to create the "login" keyring), then ' +
    'restart Keyholder.',
  unknown:
    'The keychain reported an unexpected problem. Restart Keyholder; if it happens again, ask IT ' +
    'to check the system keychain (on Linux: gnome-keyring).',
};

/** Builds the typed error for a known reason, with the message a store manager can act on. */
export function keychainUnavailable(reason: KeychainFailure, advice = ADVICE[reason]) {
  return new KeychainUnavailable(reason, `${LEAD} ${advice}`);
}

/** The keychain did not answer in time (a prompt nobody answers, or a stuck keychain daemon). */
export function keychainTimeout(timeoutMs: number, cause?: unknown): KeychainUnavailable {
  const seconds = Math.max(1, Math.round(timeoutMs / 1000));
  const error = keychainUnavailable(
    'unknown',
    `The keychain did not answer within ${seconds} second${seconds === 1 ? '' : 's'}. Answer any keychain prompt on ` +
      'screen, or restart the PC, then try again. If it keeps happening, ask IT to check the ' +
      'system keychain (on Linux: gnome-keyring).',
  );
  return withCause(error, cause);
}

/** keytar's native module (or the libsecret library it links) could not be loaded at all. */
export function keychainLibraryMissing(cause: unknown): KeychainUnavailable {
  return withCause(
    keychainUnavailable(
      'no-secret-service',
      'The keychain support library is missing on this PC. Ask IT to install it (on Linux: the ' +
        'libsecret-1-0 and gnome-keyring packages), then restart Keyholder.',
    ),
    cause,
  );
}

// Order matters only where patterns could overlap; each is anchored on the stable part of the
// libsecret/GLib text (the variable tail is an address or object path). Sources of the texts:
// what keytar 7.9 + libsecret really print, each produced for real by
// tests/core/keychain/keychain-failure-modes.test.ts.
const PATTERNS: ReadonlyArray<readonly [RegExp, KeychainFailure]> = [
  // "Cannot autolaunch D-Bus without X11 $DISPLAY" (GLib), older GLib: "Unable to autolaunch a
  // dbus-daemon without a $DISPLAY for X11": no session bus address at all.
  [/autolaunch/i, 'no-dbus'],
  // "Could not connect: No such file or directory" / "...: Connection refused": an address that
  // points at a bus that is not there (stale socket after the session ended).
  [/could not connect|connection refused|connection is closed/i, 'dbus-unreachable'],
  // "The name org.freedesktop.secrets was not provided by any .service files": a bus, but no
  // Secret Service on it and none that D-Bus could start.
  [/org\.freedesktop\.secrets was not provided|ServiceUnknown/i, 'no-secret-service'],
  // "Cannot create an item in a locked collection", and libsecret's other "locked" variants.
  [/\blocked\b/i, 'keyring-locked'],
  // "Object does not exist at path “/org/freedesktop/secrets/collection/login”": the default
  // alias points at a collection that was never created (a daemon started without --unlock, or
  // an account that never signed in with a password). Only a *collection* path means this; a
  // missing item path would be a different (unknown) problem.
  [
    /Object does not exist at path\W*\/org\/freedesktop\/secrets\/collection\/[^/]*$/i,
    'no-login-keyring',
  ],
];

/** Maps any keytar rejection to KeychainUnavailable; an existing KeychainUnavailable passes. */
export function toKeychainError(err: unknown): KeychainUnavailable {
  if (err instanceof KeychainUnavailable) return err;
  const raw = rawMessage(err);
  // D-Bus's own method-call timeout (25 s): the daemon is there but not answering.
  if (/timeout was reached/i.test(raw)) return keychainTimeout(25_000, err);
  for (const [pattern, reason] of PATTERNS) {
    if (pattern.test(raw)) return withCause(keychainUnavailable(reason), err);
  }
  return withCause(keychainUnavailable('unknown'), err);
}

function rawMessage(err: unknown): string {
  if (err instanceof Error) return err.message.trim();
  if (typeof err === 'string') return err.trim();
  return '';
}

function withCause(error: KeychainUnavailable, cause: unknown): KeychainUnavailable {
  if (cause !== undefined) {
    Object.defineProperty(error, 'cause', { value: cause, enumerable: false, configurable: true });
  }
  return error;
}
