import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { statement } from '../db/compiled';
import type { Dialect } from '../db/dialect';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';

export interface DevicePrincipal {
  deviceId: string;
  storeId: string;
  auditMacKey: Buffer;
  /** The device's store as read with the device (a pull answers with it). */
  store?: { id: string; name: string; brand: string };
}

/** `<deviceId>.<secret>`: the id finds the row, the secret (256 bits) proves possession. */
export function newDeviceCredential(deviceId: string): { credential: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { credential: `${deviceId}.${secret}`, hash: sha256(secret) };
}

export function sha256(value: string): string {
  return hash('sha256', value, 'hex');
}

interface DeviceRow {
  id: string;
  store_id: string;
  credential_hash: string;
  audit_mac_key: string;
  revoked_at: number | null;
  store_name: string;
  store_brand: string;
}

const deviceById = statement(`select d.id, d.store_id, d.credential_hash, d.audit_mac_key,
    d.revoked_at, s.name as store_name, s.brand as store_brand
  from devices d join stores s on s.id = d.store_id
  where d.id = ?`);

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
  dialect?: Dialect,
): Promise<DevicePrincipal> {
  const match = /^Device ([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(header ?? '');
  if (!match) throw deviceRefused();
  const [, deviceId, secret] = match as unknown as [string, string, string];
  // Hand-compiled, not the builder: this runs on every request of every PC (without the
  // dialect, as a SQL template).
  const [row] = dialect
    ? (await db.executeQuery<DeviceRow>(deviceById(dialect, [deviceId]))).rows
    : (
        await sql<DeviceRow>`select d.id, d.store_id, d.credential_hash, d.audit_mac_key,
            d.revoked_at, s.name as store_name, s.brand as store_brand
          from devices d join stores s on s.id = d.store_id
          where d.id = ${deviceId}`.execute(db)
      ).rows;
  const given = Buffer.from(sha256(secret), 'hex');
  const expected = Buffer.from(row?.credential_hash ?? '0'.repeat(64), 'hex');
  if (!row || row.revoked_at !== null || !timingSafeEqual(given, expected)) throw deviceRefused();
  return {
    deviceId: row.id,
    storeId: row.store_id,
    auditMacKey: Buffer.from(row.audit_mac_key, 'base64'),
    store: { id: row.store_id, name: row.store_name, brand: row.store_brand },
  };
}
