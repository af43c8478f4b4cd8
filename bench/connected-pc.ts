import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../backend-sync/app';
import { preparePassword } from '../backend-sync/auth/own-password';
import { PasswordHasher } from '../backend-sync/auth/password-hasher';
import { newTotpSecret } from '../backend-sync/auth/totp';
import { TOTP_SECRET_KEY_LABEL, TotpSecretBox } from '../backend-sync/auth/totp-secret-box';
import { loadConfig } from '../backend-sync/config';
import { openServerDatabase } from '../backend-sync/db/database';
import { derivedSecret, loadSigningKeys } from '../backend-sync/keys/signing-keys';
import { insertTestUser } from '../tests/backend/support/user-factory';
import { EnrollmentService } from '../backend-sync/sync/enrollment.service';
import { openKeyholder, type Keyholder } from '../electron/core/keyholder';
import type { FakeClock } from '../tests/support/fake-clock';
import { MemorySecretStore } from '../tests/support/memory-secret-store';

export interface ConnectedPc {
  kh: Keyholder;
  username: string;
  secret: string;
  /** The person's argon2id hash, for the raw verify beside each sign-in. */
  hash: string;
  close(): Promise<void>;
}

/**
 * A store PC connected to a real sync server on loopback (SQLite, in this process, on the PC's
 * clock), holding one crew member's signed record and a receipt: a sign-in on it checks the
 * record's signature, its version against the receipt and its fields against the row, and
 * counts the sign-ins since the receipt in the audit chain (integrity/, device/offline-bounds).
 */
export async function connectedPc(clock: FakeClock, password: string): Promise<ConnectedPc> {
  const serverDir = mkdtempSync(join(tmpdir(), 'keyholder-bench-server-'));
  const pcDir = mkdtempSync(join(tmpdir(), 'keyholder-bench-pc-'));
  const config = loadConfig({ DATA_DIR: serverDir, LOG_LEVEL: 'silent' });
  const database = await openServerDatabase(config, {});
  const app = await buildApp({ config, database, logger: false, clock });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const close = async () => {
    await app.close();
    await database.close();
    rmSync(serverDir, { recursive: true, force: true });
    rmSync(pcDir, { recursive: true, force: true });
  };
  try {
    const box = new TotpSecretBox(derivedSecret(loadSigningKeys(config), TOTP_SECRET_KEY_LABEL));
    const storeId = randomUUID();
    const userId = randomUUID();
    const secret = newTotpSecret();
    const username = 'bench.crew';
    const next = await preparePassword(new PasswordHasher(), password);
    const now = clock.nowMs();
    await database.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('stores')
        .values({
          id: storeId,
          name: 'Bench Store',
          brand: 'Bench',
          created_at: now,
          updated_at: now,
        })
        .execute();
      await insertTestUser(tx, {
        id: userId,
        username,
        displayName: 'Bench Crew',
        role: 'viewer',
        passwordHash: next.hash,
        credential: next.credential,
        totpSecret: box.seal(secret),
        stores: [storeId],
        now,
      });
    });
    const { code } = await new EnrollmentService(database.db, clock).issueCode(storeId, 'bench');
    const kh = await openKeyholder({ dataDir: pcDir, secrets: new MemorySecretStore(), clock });
    const status = await kh.sync.connect(null, { serverUrl: url, code, deviceName: 'Bench till' });
    if (status.lastError) throw new Error(`connect: ${status.lastError.message}`);
    return {
      kh,
      username,
      secret,
      hash: next.hash,
      close: async () => {
        kh.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
