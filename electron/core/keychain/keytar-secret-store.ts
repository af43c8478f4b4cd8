import { KeychainUnavailable } from '../errors';
import { keychainLibraryMissing, keychainTimeout, toKeychainError } from './keychain-errors';
import { KEYCHAIN_SERVICE, type SecretName, type SecretStore } from './secret-store';

/** The part of keytar this store uses (and the seam unit tests replace). */
export interface KeytarBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface KeytarSecretStoreOptions {
  /** Keychain service name; tests use their own so they never touch `Keyholder` items. */
  service?: string;
  /**
   * How long one keychain call may take before it counts as unavailable. A locked keyring can
   * show an unlock prompt and libsecret then waits for it indefinitely; a stuck daemon holds a
   * call for D-Bus's 25 s. The default leaves a person time to type a password into the prompt
   * without leaving the app frozen for ever.
   */
  timeoutMs?: number;
  /**
   * Confirm that a "nothing there" answer (get → null, delete → false) is real and not a locked
   * keyring in disguise (see the class comment). Default: on Linux only, where gnome-keyring
   * behaves that way; elsewhere a locked keychain raises an error itself.
   */
  confirmMisses?: boolean;
  /** Replaces keytar (unit tests only). */
  backend?: KeytarBackend;
}

export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 30_000;

/** Account of the throw-away item that confirms a miss; not a SecretName, so never a real secret. */
const MISS_CHECK_ACCOUNT = '.keyholder-keychain-check';

/**
 * The OS keychain through keytar (Keychain on macOS, Credential Manager on Windows, the Secret
 * Service, i.e. gnome-keyring, on Linux). Every failure is a KeychainUnavailable with a message
 * for the store manager; nothing is ever written anywhere else (invariant 3).
 *
 * Caveats, measured against keytar 7.9 + gnome-keyring (tests/core/keychain):
 * - A LOCKED gnome-keyring reads as empty: keytar's `getPassword` returns null and
 *   `deletePassword` false even for an item that exists (libsecret cannot unlock without a prompt
 *   and reports "no match"); only writes fail. Without care, the app would take a locked keyring
 *   for a missing database key and tell the manager to reset the device. So on Linux every miss
 *   is confirmed with a throw-away write (`confirmMisses`): a locked keyring then surfaces as
 *   KeychainUnavailable('keyring-locked') from `get`/`delete` too.
 * - keytar's `findCredentials` crashes the process (SIGSEGV) on a locked keyring, so it is not
 *   part of this store and must not be added.
 * - A timed-out call cannot be cancelled: it keeps running on a libuv thread and may still land
 *   later. Treat the timeout as failure and re-read on the next attempt.
 */
export class KeytarSecretStore implements SecretStore {
  private readonly service: string;
  private readonly timeoutMs: number;
  private readonly confirmMisses: boolean;
  private backend: Promise<KeytarBackend> | undefined;

  constructor(options: KeytarSecretStoreOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
    this.confirmMisses = options.confirmMisses ?? process.platform === 'linux';
    if (options.backend) this.backend = Promise.resolve(options.backend);
  }

  /** Returns null when there is no such item (not an error). */
  async get(name: SecretName): Promise<string | null> {
    const value = await this.call((k) => k.getPassword(this.service, name));
    if (value === null) await this.confirmMiss();
    return value;
  }

  set(name: SecretName, value: string): Promise<void> {
    return this.call((k) => k.setPassword(this.service, name, value));
  }

  /** Returns false when there was nothing to delete. */
  async delete(name: SecretName): Promise<boolean> {
    const deleted = await this.call((k) => k.deletePassword(this.service, name));
    if (!deleted) await this.confirmMiss();
    return deleted;
  }

  // A write is the only keytar call a locked gnome-keyring refuses, so writing (and removing) a
  // throw-away item tells "really absent" from "locked". It costs two calls, on misses only:
  // first run and deliberate deletes, never the normal start-up read of an existing key.
  private async confirmMiss(): Promise<void> {
    if (!this.confirmMisses) return;
    await this.call((k) => k.setPassword(this.service, MISS_CHECK_ACCOUNT, 'check'));
    await this.call((k) => k.deletePassword(this.service, MISS_CHECK_ACCOUNT));
  }

  private async call<T>(operation: (backend: KeytarBackend) => Promise<T>): Promise<T> {
    const backend = await this.loadBackend();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(keychainTimeout(this.timeoutMs)), this.timeoutMs);
    });
    try {
      // Promise.resolve().then: a backend that throws synchronously is mapped like a rejection.
      return await Promise.race([Promise.resolve().then(() => operation(backend)), timeout]);
    } catch (err) {
      throw toKeychainError(err);
    } finally {
      clearTimeout(timer);
    }
  }

  // keytar is loaded on first use, not at import: its native module links libsecret, and a PC
  // without that library must get the clear KeychainUnavailable, not a crash at app start.
  private loadBackend(): Promise<KeytarBackend> {
    this.backend ??= import('keytar').then(
      (mod) => (mod as { default?: KeytarBackend }).default ?? (mod as KeytarBackend),
      (err: unknown) => {
        this.backend = undefined; // a later call may retry once IT has installed the library
        throw err instanceof KeychainUnavailable ? err : keychainLibraryMissing(err);
      },
    );
    return this.backend;
  }
}
