import type { KeychainFailure } from '../../electron/core/errors';
import { keychainUnavailable } from '../../electron/core/keychain/keychain-errors';
import type { SecretName, SecretStore } from '../../electron/core/keychain/secret-store';

type Operation = 'get' | 'set' | 'delete';

/**
 * An in-memory SecretStore for unit tests of OTHER services (database, audit, trusted time).
 * The keychain itself is tested against the real gnome-keyring (tests/core/keychain); this lives
 * under tests/ so it can never ship as a fallback (invariant 3).
 *
 * `failWith(reason)` makes every call (or only the listed operations) throw the same typed
 * KeychainUnavailable, with the same message, as KeytarSecretStore. A locked keyring is
 * `failWith('keyring-locked')`: KeytarSecretStore confirms misses, so a locked gnome-keyring
 * fails reads too instead of reading as empty.
 */
export class MemorySecretStore implements SecretStore {
  private readonly items = new Map<SecretName, string>();
  private failure: { reason: KeychainFailure; ops: ReadonlySet<Operation> } | undefined;

  constructor(
    options: {
      /** Items present from the start. */
      items?: Iterable<readonly [SecretName, string]>;
      /** Start as a dead keychain: every call throws KeychainUnavailable(reason). */
      failWith?: KeychainFailure;
    } = {},
  ) {
    for (const [name, value] of options.items ?? []) this.items.set(name, value);
    if (options.failWith) this.failWith(options.failWith);
  }

  /** Make calls throw KeychainUnavailable(reason); by default every operation fails. */
  failWith(reason: KeychainFailure, ops: readonly Operation[] = ['get', 'set', 'delete']): this {
    this.failure = { reason, ops: new Set(ops) };
    return this;
  }

  /** Back to a healthy keychain; stored items are kept. */
  recover(): this {
    this.failure = undefined;
    return this;
  }

  /** What is stored, regardless of simulated failures (for assertions). */
  peek(name: SecretName): string | undefined {
    return this.items.get(name);
  }

  get size(): number {
    return this.items.size;
  }

  async get(name: SecretName): Promise<string | null> {
    this.check('get');
    return this.items.get(name) ?? null;
  }

  async set(name: SecretName, value: string): Promise<void> {
    this.check('set');
    this.items.set(name, value);
  }

  async delete(name: SecretName): Promise<boolean> {
    this.check('delete');
    return this.items.delete(name);
  }

  private check(op: Operation): void {
    if (this.failure?.ops.has(op)) throw keychainUnavailable(this.failure.reason);
  }
}
