import { sql, type Kysely } from 'kysely';
import type { AuditRecord } from '../../common/audit/audit-record';
import { sha256Hex } from '../auth/secret-tokens';
import type { DB } from '../db/schema';

/**
 * Erasure's one rule for audit text (GDPR Art. 17, docs/SECURITY.md): every entry about an
 * erased person names them by a stable pseudonym, whether it was stored before the erasure
 * (`pseudonymiseAudit`, `pseudonymiseById` for an erasure asked again) or arrives after it
 * from a store PC that had not yet heard (`pseudonymiseErasedOnIngest`). Ids stay; names go.
 */

/** The stable pseudonym that replaces an erased person's name everywhere. */
export function pseudonymOf(userId: string): string {
  return `erased-${sha256Hex(`keyholder-erasure:${userId}`).slice(0, 12)}`;
}

/**
 * Rows about the person (as actor or target, by id or by the name a store PC recorded) and
 * rows whose details mention their address or username get every identifier replaced, whole
 * words only, so another person whose name merely contains theirs is left alone.
 */
export async function pseudonymiseAudit(
  trx: Kysely<DB>,
  id: string,
  identifiers: { email: string; username: string; all: string[] },
  pseudonym: string,
): Promise<{ storeAuditEntries: number; serverAuditEntries: number }> {
  const replace = (text: string) => replaceAll(text, identifiers.all, pseudonym);
  const mentioned = [identifiers.email, identifiers.username].map(
    (value) => sql<boolean>`lower(details) like ${likePattern(value)} escape '\\'`,
  );

  const events = await trx
    .selectFrom('audit_events')
    .select([
      'device_id',
      'seq',
      'at',
      'actor_id',
      'actor_name',
      'target_id',
      'target_name',
      'details',
    ])
    .where((eb) =>
      eb.or([
        eb('actor_id', '=', id),
        eb('target_id', '=', id),
        eb('actor_name', 'in', identifiers.all),
        eb('target_name', 'in', identifiers.all),
        ...mentioned,
      ]),
    )
    .execute();
  const named = (name: string | null) => name !== null && identifiers.all.includes(name);
  for (const e of events) {
    await trx
      .updateTable('audit_events')
      .set({
        actor_name: e.actor_id === id || named(e.actor_name) ? pseudonym : e.actor_name,
        target_name: e.target_id === id || named(e.target_name) ? pseudonym : e.target_name,
        details: replaceInJson(e.details, replace),
      })
      .where('device_id', '=', e.device_id)
      .where('seq', '=', e.seq)
      // The key on PostgreSQL is (device_id, at, seq): one partition's index, not every one.
      .where('at', '=', e.at)
      .execute();
  }

  const server = await trx
    .selectFrom('server_audit')
    .select(['id', 'details'])
    .where((eb) => eb.or([eb('actor_id', '=', id), eb('target_id', '=', id), ...mentioned]))
    .execute();
  let serverAuditEntries = 0;
  for (const r of server) {
    const details = replaceInJson(r.details, replace);
    if (details === r.details) continue;
    serverAuditEntries += 1;
    await trx.updateTable('server_audit').set({ details }).where('id', '=', r.id).execute();
  }
  return { storeAuditEntries: events.length, serverAuditEntries };
}

/**
 * An erasure asked again: the person's identifiers are gone from the tombstone, so the names are
 * the ones stored entries still give them (as actor or target, by id), and each of those is
 * replaced again wherever it is left. Repairs what arrived between an erasure and this one.
 */
export async function pseudonymiseById(
  trx: Kysely<DB>,
  id: string,
  pseudonym: string,
): Promise<{ storeAuditEntries: number; serverAuditEntries: number }> {
  const rows = await trx
    .selectFrom('audit_events')
    .select(['actor_id', 'actor_name', 'target_id', 'target_name'])
    .where((eb) => eb.or([eb('actor_id', '=', id), eb('target_id', '=', id)]))
    .execute();
  const names = new Set<string>();
  for (const r of rows) {
    if (r.actor_id === id && r.actor_name) names.add(r.actor_name);
    if (r.target_id === id && r.target_name) names.add(r.target_name);
  }
  names.delete(pseudonym);
  if (names.size === 0) return { storeAuditEntries: 0, serverAuditEntries: 0 };
  const [first] = names;
  return pseudonymiseAudit(
    trx,
    id,
    { email: first!, username: first!, all: [...names] },
    pseudonym,
  );
}

/**
 * Entries a store PC uploads after an erasure it had not yet pulled: those whose actor or target
 * is an erased person are stored with the pseudonym in place of the names they carry (and of
 * those names inside their details). Their hash and MAC stay as the PC made them, as for entries
 * pseudonymised at the erasure itself (the chain was verified before). One query per batch.
 */
export async function pseudonymiseErasedOnIngest(
  tx: Kysely<DB>,
  entries: readonly AuditRecord[],
): Promise<AuditRecord[]> {
  const ids = new Set<string>();
  for (const e of entries) {
    if (e.actorId) ids.add(e.actorId);
    if (e.targetId) ids.add(e.targetId);
  }
  if (ids.size === 0) return [...entries];
  const erased = new Set(
    (
      await tx
        .selectFrom('users')
        .select('id')
        .where('id', 'in', [...ids])
        .where('erased_at', 'is not', null)
        .execute()
    ).map((r) => r.id),
  );
  if (erased.size === 0) return [...entries];
  return entries.map((e) => {
    const actor = e.actorId !== null && erased.has(e.actorId);
    const target = e.targetId !== null && erased.has(e.targetId);
    if (!actor && !target) return e;
    let details = JSON.stringify(e.details);
    const scrub = (name: string | null, id: string | null) => {
      if (name) details = replaceInJson(details, (t) => replaceAll(t, [name], pseudonymOf(id!)));
    };
    if (actor) scrub(e.actorName, e.actorId);
    if (target) scrub(e.targetName, e.targetId);
    return {
      ...e,
      actorName: actor ? pseudonymOf(e.actorId!) : e.actorName,
      targetName: target ? pseudonymOf(e.targetId!) : e.targetName,
      details: JSON.parse(details) as AuditRecord['details'],
    };
  });
}

function likePattern(value: string): string {
  return `%${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Case-insensitive, whole-word replacement of every identifier (longest first) in `text`. */
export function replaceAll(text: string, identifiers: string[], pseudonym: string): string {
  let out = text;
  for (const value of [...identifiers].sort((a, b) => b.length - a.length)) {
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(
      new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu'),
      pseudonym,
    );
  }
  return out;
}

/** Replaces inside every string (keys and values) of a JSON text, keeping it valid JSON. */
export function replaceInJson(text: string, replace: (s: string) => string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return replace(text);
  }
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return replace(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [replace(k), walk(x)]));
    }
    return v;
  };
  const next = JSON.stringify(walk(value));
  return next === JSON.stringify(value) ? text : next;
}
