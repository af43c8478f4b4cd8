import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerClock } from '../../../backend-sync/clock';
import type { Database } from '../../../backend-sync/db/database';
import { authenticateDevice, type DevicePrincipal } from '../../../backend-sync/sync/device-auth';
import { EnrollmentService } from '../../../backend-sync/sync/enrollment.service';

/** A store and a PC enrolled in it, straight through the services (no HTTP), with its MAC key. */
export async function enrolledDevice(
  database: Database,
  clock: ServerClock,
): Promise<{ device: DevicePrincipal; macKey: Buffer; storeId: string }> {
  const storeId = randomUUID();
  const now = clock.nowMs();
  await database.db
    .insertInto('stores')
    .values({ id: storeId, name: 'Maple Street', brand: '', created_at: now, updated_at: now })
    .execute();
  const enrollment = new EnrollmentService(database.db, clock);
  const { code } = await enrollment.issueCode(storeId, 'admin-1');
  const macKey = randomBytes(32);
  const enrolled = await enrollment.enroll({
    code,
    deviceId: randomUUID(),
    deviceName: 'Till 1',
    appVersion: '0.1.0',
    auditMacKey: macKey.toString('base64'),
  });
  const device = await authenticateDevice(database.db, `Device ${enrolled.credential}`);
  return { device, macKey, storeId };
}
