import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';

export interface DevicePrincipal {
  deviceId: string;
  storeId: string;
  auditMacKey: Buffer;
}

/** `<deviceId>.<secret>`: the id finds the row, the secret (256 bits) proves possession. */
export function newDeviceCredential(deviceId: string): { credential: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { credential: `${deviceId}.${secret}`, hash: sha256(secret) };
}

export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

const deviceRefused = () =>
  new HttpError(
    401,
    'device_unauthorized',
    'This device is not enrolled or was revoked. Connect it again with a new enrollment code.',
  );

/**
 * Authenticates a store PC from `Authorization: Device <credential>`. A revoked device is
 * refused at once (the check reads the row on every request).
 */
export async function authenticateDevice(
  db: Kysely<DB>,
  header: string | undefined,
): Promise<DevicePrincipal> {
  const match = /^Device ([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(header ?? '');
  if (!match) throw deviceRefused();
  const [, deviceId, secret] = match as unknown as [string, string, string];
  const row = await db
    .selectFrom('devices')
    .select(['id', 'store_id', 'credential_hash', 'audit_mac_key', 'revoked_at'])
    .where('id', '=', deviceId)
    .executeTakeFirst();
  const given = Buffer.from(sha256(secret), 'hex');
  const expected = Buffer.from(row?.credential_hash ?? '0'.repeat(64), 'hex');
  if (!row || row.revoked_at !== null || !timingSafeEqual(given, expected)) throw deviceRefused();
  return {
    deviceId: row.id,
    storeId: row.store_id,
    auditMacKey: Buffer.from(row.audit_mac_key, 'base64'),
  };
}
