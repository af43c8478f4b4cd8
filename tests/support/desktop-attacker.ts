import { createHash, createHmac } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { auditHashInput, GENESIS_HASH, type AuditRecord } from '../../common/audit/audit-record';
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

  /**
   * The whole audit chain written again through `change` (an entry, or null to drop it), every
   * hash and MAC recomputed with the keychain's key, the head and the time seal sealed again to
   * the new last entry: a rewrite no check on this PC alone can tell from the real log
   * (docs/SECURITY.md, "What cannot hold"). Inside `edit`.
   */
  async rewriteChain(
    db: Database.Database,
    change: (entry: ChainEntry) => ChainEntry | null,
  ): Promise<void> {
    const macKey = Buffer.from(await this.secret('audit-mac-key'), 'base64');
    const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Record<
      string,
      unknown
    >[];
    let prevHash = GENESIS_HASH;
    let seq = 0;
    const written: { seq: number; hash: string }[] = [];
    db.prepare('DELETE FROM audit_log').run();
    const insert = db.prepare(
      `INSERT INTO audit_log (seq, at, device_id, actor_id, actor_name, action, target_id,
         target_name, outcome, details, prev_hash, hash, mac)
       VALUES (@seq, @at, @deviceId, @actorId, @actorName, @action, @targetId, @targetName,
         @outcome, @details, @prevHash, @hash, @mac)`,
    );
    for (const row of rows) {
      const entry = change({
        at: row.at as number,
        deviceId: row.device_id as string,
        actorId: row.actor_id as string | null,
        actorName: row.actor_name as string | null,
        action: row.action as AuditRecord['action'],
        targetId: row.target_id as string | null,
        targetName: row.target_name as string | null,
        outcome: row.outcome as AuditRecord['outcome'],
        details: JSON.parse(row.details as string) as Record<string, unknown>,
      });
      if (!entry) continue;
      seq += 1;
      const base = { ...entry, seq, prevHash } as Omit<AuditRecord, 'hash' | 'mac'>;
      const hash = createHash('sha256').update(auditHashInput(base), 'utf8').digest('hex');
      const mac = createHmac('sha256', macKey).update(hash, 'utf8').digest('hex');
      insert.run({ ...base, details: JSON.stringify(entry.details), hash, mac });
      written.push({ seq, hash });
      prevHash = hash;
    }
    const last = written[written.length - 1]!;
    const head = JSON.stringify({ seq: last.seq, hash: last.hash });
    db.prepare("UPDATE sealed_state SET value = ?, mac = ? WHERE name = 'audit_head'").run(
      head,
      await this.seal('audit-mac-key', 'audit_head', head),
    );
    const time = db.prepare("SELECT value FROM sealed_state WHERE name = 'trusted_time'").get() as
      { value: string } | undefined;
    if (time) {
      const value = JSON.stringify({
        ...(JSON.parse(time.value) as Record<string, unknown>),
        auditSeq: last.seq,
        auditHash: last.hash,
      });
      db.prepare("UPDATE sealed_state SET value = ?, mac = ? WHERE name = 'trusted_time'").run(
        value,
        await this.seal('time-seal-key', 'trusted_time', value),
      );
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

/** An audit entry as the rewrite sees it (its place in the chain is recomputed). */
export type ChainEntry = Omit<AuditRecord, 'seq' | 'prevHash' | 'hash' | 'mac'>;
