import type { ServerClock } from '../clock';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';
import type { EnrollPreviewResponse, Handover } from '../../common/sync/handover';
import type { TotpSecretBox } from '../auth/totp-secret-box';
import type { ServerAudit } from '../services/server-audit';
import { newDeviceCredential, sha256 } from './device-auth';
import { applyHandover, storeSide } from './handover';

export const ENROLLMENT_CODE_TTL_MS = 15 * 60_000;
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 16 characters from 32 symbols (80 bits), shown as XXXX-XXXX-XXXX-XXXX for typing at a till. */
function newCode(): string {
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % 32]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

export interface EnrolledDevice {
  deviceId: string;
  storeId: string;
  storeName: string;
  credential: string;
  handedOver: number;
}

const refused = () =>
  new HttpError(
    400,
    'enrollment_refused',
    'This enrollment code is not valid or has expired. Ask your admin for a new one.',
  );

/**
 * Device enrollment: an admin issues a one-time, 15-minute code for a store; the device trades
 * it for a device credential. Codes are stored hashed and consumed by a conditional update, so
 * one code enrolls exactly one device even when two PCs race with it.
 */
export class EnrollmentService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: ServerClock,
    /** Records codes issued and devices enrolled (never the code itself). */
    private readonly audit?: ServerAudit,
    /** Seals the authenticators of people a standalone PC hands over. */
    private readonly box?: TotpSecretBox,
  ) {}

  /**
   * What enrolling with this code would connect the PC to, without using the code: the store,
   * its people, and which of the names the PC would hand over an account elsewhere holds. A
   * wrong, used or expired code gets the same answer as at enrollment.
   */
  async preview(input: {
    code: string;
    usernames: string[];
    emails: string[];
  }): Promise<EnrollPreviewResponse> {
    const row = await this.db
      .selectFrom('enrollment_codes as c')
      .innerJoin('stores as s', 's.id', 'c.store_id')
      .select(['s.id', 's.name'])
      .where('c.code_hash', '=', sha256(normalizeCode(input.code)))
      .where('c.used_at', 'is', null)
      .where('c.expires_at', '>', this.clock.nowMs())
      .executeTakeFirst();
    if (!row) throw refused();
    const side = await storeSide(this.db, row.id, input.usernames, input.emails);
    return { storeId: row.id, storeName: row.name, ...side };
  }

  async issueCode(storeId: string, adminId: string): Promise<{ code: string; expiresAt: number }> {
    const store = await this.db
      .selectFrom('stores')
      .select('id')
      .where('id', '=', storeId)
      .executeTakeFirst();
    if (!store) throw new HttpError(404, 'not_found', 'That store does not exist.');
    const code = newCode();
    const expiresAt = this.clock.nowMs() + ENROLLMENT_CODE_TTL_MS;
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('enrollment_codes')
        .values({
          code_hash: sha256(normalizeCode(code)),
          store_id: storeId,
          created_by: adminId,
          expires_at: expiresAt,
          used_at: null,
          device_id: null,
        })
        .execute();
      await this.audit?.write(
        {
          action: 'device.enrollment_code',
          outcome: 'success',
          actorId: adminId,
          storeId,
          details: { expiresAt },
        },
        tx,
      );
    });
    return { code, expiresAt };
  }

  async enroll(input: {
    code: string;
    deviceId: string;
    deviceName: string;
    appVersion: string;
    auditMacKey: string;
    handover?: Handover;
  }): Promise<EnrolledDevice> {
    const mac = Buffer.from(input.auditMacKey, 'base64');
    if (mac.length !== 32) throw new HttpError(400, 'invalid_request', 'The request is not valid.');
    const codeHash = sha256(normalizeCode(input.code));
    const now = this.clock.nowMs();
    const { deviceId } = input;
    return this.db.transaction().execute(async (tx) => {
      const claimed = await tx
        .updateTable('enrollment_codes')
        .set({ used_at: now, device_id: deviceId })
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['store_id'])
        .executeTakeFirst();
      if (!claimed) throw refused();
      // Checked only after the code, so callers without one learn nothing about devices;
      // throwing here rolls the claim back and the code stays usable.
      const existing = await tx
        .selectFrom('devices')
        .select(['id', 'revoked_at', 'store_id'])
        .where('id', '=', deviceId)
        .executeTakeFirst();
      // A revoked PC may be enrolled again with a new code (its row, and so its uploaded chain
      // and acknowledged seq, is kept: the PC's log continues where it was). An active one not.
      if (existing && existing.revoked_at === null) {
        throw new HttpError(
          409,
          'device_exists',
          'This computer is already enrolled. An admin must revoke it before it can be enrolled again.',
        );
      }
      const store = await tx
        .selectFrom('stores')
        .select(['id', 'name'])
        .where('id', '=', claimed.store_id)
        .executeTakeFirstOrThrow();
      const { credential, hash } = newDeviceCredential(deviceId);
      if (existing) {
        await tx
          .updateTable('devices')
          .set({
            store_id: store.id,
            name: input.deviceName,
            credential_hash: hash,
            audit_mac_key: mac.toString('base64'),
            app_version: input.appVersion,
            revoked_at: null,
          })
          .where('id', '=', deviceId)
          .execute();
      }
      if (!existing)
        await tx
          .insertInto('devices')
          .values({
            id: deviceId,
            store_id: store.id,
            name: input.deviceName,
            credential_hash: hash,
            audit_mac_key: mac.toString('base64'),
            app_version: input.appVersion,
            last_sync_at: null,
            last_seq: 0,
            last_hash: '0'.repeat(64),
            reported_seq: 0,
            revoked_at: null,
            created_at: now,
          })
          .execute();
      // The people a standalone PC hands over, created in this transaction: a refusal rolls
      // the claim back with everything else.
      const handedOver = input.handover
        ? await applyHandover(
            tx,
            { box: this.requireBox(), audit: this.audit, now },
            store.id,
            deviceId,
            input.handover,
          )
        : 0;
      await this.audit?.write(
        {
          action: 'device.enroll',
          outcome: 'success',
          targetId: deviceId,
          storeId: store.id,
          details: {
            deviceName: input.deviceName,
            appVersion: input.appVersion,
            ...(existing ? { reenrolled: true, previousStoreId: existing.store_id } : {}),
            ...(input.handover ? { handedOver } : {}),
          },
        },
        tx,
      );
      return { deviceId, storeId: store.id, storeName: store.name, credential, handedOver };
    });
  }

  private requireBox(): TotpSecretBox {
    if (!this.box) throw new Error('enrollment with a handover needs the TOTP secret box');
    return this.box;
  }
}
