import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';

/**
 * Tells admins (server_audit `audit.chain_break`) that a PC's audit log can no longer be what
 * it was: an upload that does not verify, other content for a seq already stored (a PC restored
 * from an older backup, or a log rewritten), or a PC reporting a shorter log than it reported
 * before (its tail cut). Recorded outside any transaction that is rolled back, and once per
 * device and problem: the PC repeats the same thing at every sync until someone acts.
 */
export async function recordChainBreak(
  db: Kysely<DB>,
  now: number,
  device: { deviceId: string; storeId: string },
  details: Record<string, unknown>,
): Promise<void> {
  const text = JSON.stringify(details);
  const known = await db
    .selectFrom('server_audit')
    .select('id')
    .where('action', '=', 'audit.chain_break')
    .where('target_id', '=', device.deviceId)
    .where('details', '=', text)
    .executeTakeFirst();
  if (known) return;
  await db
    .insertInto('server_audit')
    .values({
      at: now,
      actor_id: null,
      action: 'audit.chain_break',
      target_id: device.deviceId,
      store_id: device.storeId,
      outcome: 'failure',
      details: text,
    })
    .execute();
}
