import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';

/** HKDF label of the key that seals TOTP secrets (keys/signing-keys.ts `derivedSecret`). */
export const TOTP_SECRET_KEY_LABEL = 'keyholder/sync/totp-secrets/v1';

const PREFIX = 'kh1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds a sealed value to its purpose: a value sealed for something else does not open here. */
const AAD = Buffer.from('keyholder totp secret v1', 'utf8');

export class TotpSecretError extends Error {
  constructor() {
    super(
      'A stored TOTP secret cannot be opened: the database was written with another signing key, or the value was changed.',
    );
  }
}

/**
 * TOTP secrets at rest: AES-256-GCM under a key derived from the server's signing key, so a
 * copy of the database (a backup, a dump, a stolen disk) does not hold anyone's second factor.
 * The server still needs the secrets themselves (it checks codes and sends them to store PCs,
 * which verify offline), so this is encryption with a key kept outside the database, not a hash.
 *
 * Stored form: `kh1.` + base64url(IV (12 bytes) ‖ ciphertext ‖ tag (16 bytes)), a fresh IV for
 * every value. `open` also accepts a value written before secrets were sealed (plain base32,
 * never starting with `kh1.`); `sealLegacyTotpSecrets` seals those at start-up. A sealed value
 * that does not authenticate throws: sign-in and pulls fail closed rather than treating the
 * account as having no second factor.
 */
export class TotpSecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('TotpSecretBox needs a 32-byte key');
  }

  seal(secret: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(AAD);
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  open(stored: string): string {
    if (!TotpSecretBox.isSealed(stored)) return stored;
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new TotpSecretError();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES))
        .setAAD(AAD)
        .setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new TotpSecretError();
    }
  }

  /** `open` for a nullable column. */
  openOrNull(stored: string | null): string | null {
    return stored === null ? null : this.open(stored);
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }
}

/**
 * Seals every TOTP secret still stored in the clear (written before this version). Idempotent
 * and safe with several instances starting at once: each row is replaced only if it still holds
 * the value that was read. Returns how many were sealed.
 */
export async function sealLegacyTotpSecrets(db: Kysely<DB>, box: TotpSecretBox): Promise<number> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'totp_secret'])
    .where('totp_secret', 'is not', null)
    .where('totp_secret', 'not like', `${PREFIX}%`)
    .execute();
  let sealed = 0;
  for (const row of rows) {
    const plain = row.totp_secret!;
    const r = await db
      .updateTable('users')
      .set({ totp_secret: box.seal(plain) })
      .where('id', '=', row.id)
      .where(sql<boolean>`totp_secret = ${plain}`)
      .executeTakeFirst();
    sealed += Number(r.numUpdatedRows);
  }
  return sealed;
}
