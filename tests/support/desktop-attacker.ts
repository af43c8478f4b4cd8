import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { DB_FILE } from '../../electron/core/db/local-store';
import {
  secretName,
  type SecretKind,
  type SecretStore,
} from '../../electron/core/keychain/secret-store';

/**
 * What anyone who can use a shared store PC's desktop can do to Keyholder (docs/SECURITY.md,
 * "The shared store PC"): read its items from the keychain without a prompt, open the store
 * file with the key, change rows, and recompute any MAC whose key is in the keychain. Nothing
 * here goes through Keyholder's code: it is a separate connection to the same file, as a tool
 * like "DB Browser for SQLite" would open it.
 */
export class DesktopAttacker {
  constructor(
    private readonly dataDir: string,
    private readonly keychain: SecretStore,
    private readonly profileId: string,
  ) {}

  /** A keychain item, as the desktop session reads it. */
  async secret(kind: SecretKind): Promise<string> {
    const value = await this.keychain.get(secretName(this.profileId, kind));
    if (value === null) throw new Error(`no ${kind} in the keychain`);
    return value;
  }

  /** Opens the store with the key from the keychain, runs `fn`, closes. */
  async edit<T>(fn: (db: Database.Database) => T | Promise<T>): Promise<T> {
    const db = new Database(join(this.dataDir, DB_FILE));
    try {
      db.pragma(`hexkey='${await this.secret('database-key')}'`);
      // The app's append-only triggers stop accidents, not someone with the key.
      db.exec(
        'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;',
      );
      return await fn(db);
    } finally {
      db.close();
    }
  }

  /** A sealed value re-sealed with the keychain's key, as Keyholder would seal it. */
  async seal(
    kind: 'audit-mac-key' | 'time-seal-key',
    name: string,
    value: string,
  ): Promise<string> {
    const key = Buffer.from(await this.secret(kind), 'base64');
    return createHmac('sha256', key).update(`${name}\n${value}`, 'utf8').digest('hex');
  }
}
