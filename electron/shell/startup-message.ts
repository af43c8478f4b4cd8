import { asStoreFault } from '../core/db/storage-faults';
import { KeychainUnavailable, KeyholderError } from '../core/errors';

/** README.md's section for a Linux box with no desktop session (a server, a container, CI). */
export const HEADLESS_LINUX_HINT =
  'Running Keyholder on a Linux server or in a container, with no desktop session? Start it ' +
  'inside a private D-Bus session with an unlocked gnome-keyring: see "Running on a Linux ' +
  'server or in a container" in README.md.';

// What a box with no desktop session reports: no bus, no keyring service, or a bus with a
// keyring service but no login keyring (gnome-keyring started without --unlock). A locked
// keyring or a stuck bus are a desktop's own problems, with their own advice.
const HEADLESS_REASONS: ReadonlySet<string> = new Set([
  'no-dbus',
  'no-secret-service',
  'no-login-keyring',
]);

/**
 * What the browser shell prints when Keyholder cannot start: the core's message for a known
 * problem (keychain, store, a full or read-only disk), written for the person at the PC.
 * `known` is false for anything else, which the caller logs in full for whoever debugs it.
 * The browser shell is what runs where no Electron binary is installed, typically a developer's
 * or IT's Linux box: when it finds no desktop keychain there, it also says how to give it one.
 */
export function shellStartupMessage(
  raw: unknown,
  platform: NodeJS.Platform = process.platform,
): { text: string; known: boolean } {
  const error = asStoreFault(raw);
  if (error instanceof KeyholderError) {
    const headless =
      platform === 'linux' &&
      error instanceof KeychainUnavailable &&
      HEADLESS_REASONS.has(error.reason);
    const hint = headless ? `\n${HEADLESS_LINUX_HINT}` : '';
    return { text: `Keyholder cannot start: ${error.message}${hint}`, known: true };
  }
  return { text: 'Keyholder cannot start because of an unexpected error.', known: false };
}
