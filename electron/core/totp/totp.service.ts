import { createHmac, randomBytes } from 'node:crypto';
import { generateSecret, generateURI } from 'otplib';
import QRCode from 'qrcode';
import {
  manualKeyOf,
  matchTotpStep,
  TOTP_ISSUER,
  type HmacSha1,
} from '../../../common/auth/totp-rules';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import type { PasswordHasher } from '../accounts/password-hasher';
import type { Db } from '../db/database';

// RFC 6238 as common/auth/totp-rules.ts defines it for the PC and the server alike.
const PENDING_TTL_MS = 15 * 60_000;
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i

export interface EnrollmentStart {
  /** Base32 secret grouped in fours, for typing into an authenticator app. Shown once. */
  manualKey: string;
  otpauthUri: string;
  qrDataUrl: string;
}

export type CodeCheck = { ok: true; step: number } | { ok: false; reason: 'invalid' | 'replayed' };

type TotpAccount = Pick<AccountRow, 'id' | 'totpSecret' | 'totpLastStep'>;

const hmacSha1: HmacSha1 = (key, message) => createHmac('sha1', key).update(message).digest();

/**
 * TOTP secrets and recovery codes. Secrets leave core only during a pending enrollment;
 * after confirmation nothing returns them.
 */
export class TotpService {
  constructor(
    private readonly db: Db,
    private readonly accounts: AccountRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async beginEnrollment(accountId: string, label: string, now: number): Promise<EnrollmentStart> {
    const secret = generateSecret(); // 20 random bytes = 160 bits, base32
    this.accounts.update(accountId, {
      totpPendingSecret: secret,
      totpPendingAt: now,
      updatedAt: now,
    });
    const otpauthUri = generateURI({ issuer: TOTP_ISSUER, label, secret });
    const qrDataUrl = await QRCode.toDataURL(otpauthUri, {
      errorCorrectionLevel: 'M',
      margin: 2,
      scale: 6,
    });
    return { manualKey: manualKeyOf(secret), otpauthUri, qrDataUrl };
  }

  /**
   * Checks a code against the pending secret; on success the secret becomes active and its
   * step is recorded as used. Returns false for a wrong or expired enrollment.
   */
  confirmEnrollment(accountId: string, code: string, now: number): boolean {
    const account = this.accounts.byId(accountId);
    if (!account?.totpPendingSecret || account.totpPendingAt === null) return false;
    if (now - account.totpPendingAt > PENDING_TTL_MS) return false;
    const step = this.matchStep(account.totpPendingSecret, code, now);
    if (step === null) return false;
    this.accounts.update(accountId, {
      totpSecret: account.totpPendingSecret,
      totpEnabledAt: now,
      totpLastStep: step,
      totpPendingSecret: null,
      totpPendingAt: null,
      updatedAt: now,
    });
    return true;
  }

  /**
   * Verifies a code for an enrolled account. The conditional update of the last used step is
   * the decision: a code (or any earlier one) cannot be used twice, even concurrently.
   */
  verify(account: TotpAccount, code: string, now: number): CodeCheck {
    const matched = this.match(account, code, now);
    if (!matched.ok) return matched;
    return this.claim(account.id, matched.step) ? matched : { ok: false, reason: 'replayed' };
  }

  /**
   * The step a code belongs to, without using it up (see `claim`). `account` is the row the
   * caller read and checked (integrity): the secret compared is the one that was verified.
   */
  match(account: TotpAccount, code: string, now: number): CodeCheck {
    if (!account.totpSecret) return { ok: false, reason: 'invalid' };
    const step = this.matchStep(account.totpSecret, code, now);
    if (step === null) return { ok: false, reason: 'invalid' };
    // Cheap early answer for an obvious replay; `claim` remains the decision.
    return step > account.totpLastStep ? { ok: true, step } : { ok: false, reason: 'replayed' };
  }

  /** Marks `step` used; false when it (or a later one) already was. Run inside the caller's transaction. */
  claim(accountId: string, step: number): boolean {
    return this.accounts.claimTotpStep(accountId, step);
  }

  private matchStep(secret: string, code: string, now: number): number | null {
    return matchTotpStep(secret, code, now, hmacSha1);
  }

  disable(accountId: string, now: number): void {
    this.accounts.update(accountId, {
      totpSecret: null,
      totpEnabledAt: null,
      totpPendingSecret: null,
      totpPendingAt: null,
      updatedAt: now,
    });
    this.db.prepare('DELETE FROM recovery_codes WHERE account_id = ?').run(accountId);
  }

  /** New set of recovery codes (the old set stops working). Returns the codes once. */
  async generateRecoveryCodes(
    accountId: string,
    auditInSameTransaction: (count: number) => void,
  ): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomRecoveryCode());
    const hashes = await Promise.all(codes.map((c) => this.hasher.hash(c)));
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM recovery_codes WHERE account_id = ?').run(accountId);
      const insert = this.db.prepare(
        'INSERT INTO recovery_codes (account_id, code_hash) VALUES (?, ?)',
      );
      for (const h of hashes) insert.run(accountId, h);
      auditInSameTransaction(codes.length);
    })();
    return codes;
  }

  /** Uses one recovery code; true only for an unused code of this account (single use). */
  async useRecoveryCode(accountId: string, code: string, now: number): Promise<boolean> {
    const normalized = code.toLowerCase().replace(/[\s-]/g, '');
    if (!/^[a-z0-9]{10}$/.test(normalized)) return false;
    const candidate = `${normalized.slice(0, 5)}-${normalized.slice(5)}`;
    const rows = this.db
      .prepare('SELECT id, code_hash FROM recovery_codes WHERE account_id = ? AND used_at IS NULL')
      .all(accountId) as { id: number; code_hash: string }[];
    for (const row of rows) {
      if ((await this.hasher.verify(row.code_hash, candidate)).ok) {
        return (
          this.db
            .prepare('UPDATE recovery_codes SET used_at = ? WHERE id = ? AND used_at IS NULL')
            .run(now, row.id).changes === 1
        );
      }
    }
    return false;
  }

  remainingRecoveryCodes(accountId: string): number {
    return (
      this.db
        .prepare(
          'SELECT count(*) AS n FROM recovery_codes WHERE account_id = ? AND used_at IS NULL',
        )
        .get(accountId) as { n: number }
    ).n;
  }
}

/** 10 characters from a 31-symbol alphabet (~49.5 bits), shown as xxxxx-xxxxx. */
function randomRecoveryCode(): string {
  let out = '';
  while (out.length < 10) {
    const byte = randomBytes(1)[0] ?? 255;
    // Rejection sampling keeps every symbol equally likely.
    if (byte < 248) out += RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length];
  }
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}
