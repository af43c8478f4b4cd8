import type { EffectivePolicy, PolicyDocument, Role } from '../../../common/policy/policy';
import {
  defaultPolicyDocument,
  policyDocumentSchema,
  PROFILE_WARNINGS,
  resolvePolicy,
} from '../../../common/policy/policy';
import { policyChanges } from '../../../common/policy/policy-diff';
import type { SignedPolicy } from '../../../common/sync/protocol';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/database';
import { KeyholderError } from '../errors';
import type { StoreIntegrity } from '../integrity/store-integrity.service';

export interface Actor {
  readonly id: string;
  readonly name: string;
}

/**
 * The device's current policy document. In standalone mode an admin edits it here; once the
 * device is enrolled, only a signed bundle from the server may replace it, and the document in
 * use is the stored bundle's, checked against the pinned key whenever it is read from the store
 * (a connected PC's policy that does not verify stops sign-in until a sync: StoreIntegrity).
 */
export class PolicyService {
  private cache: PolicyDocument | null = null;
  /** Keyed by the document object itself: a new document (or none cached) resolves afresh. */
  private readonly resolved = new WeakMap<PolicyDocument, Map<Role, EffectivePolicy>>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly now: () => number,
    private readonly integrity: StoreIntegrity,
  ) {}

  current(): PolicyDocument {
    if (this.cache) return this.cache;
    const row = this.db.prepare('SELECT document, signed_bundle FROM policy WHERE id = 1').get() as
      { document: string; signed_bundle: string | null } | undefined;
    const anchor = this.integrity.anchor();
    if (anchor) {
      const trusted = this.integrity.trustedPolicy(anchor, row);
      // Untrusted: sign-in is stopped; the rest of the app shows the default meanwhile.
      return trusted ? (this.cache = trusted) : defaultPolicyDocument();
    }
    this.cache = row
      ? policyDocumentSchema.parse(JSON.parse(row.document))
      : defaultPolicyDocument();
    return this.cache;
  }

  /** Forget the cached document (the next read comes from the database). */
  invalidate(): void {
    this.cache = null;
  }

  /**
   * The role's effective policy under the current document. Resolved once per document and
   * role (a sign-in asks several times, and resolving validates the merged policy), and frozen,
   * so the one shared object cannot be changed by a caller.
   */
  forRole(role: Role): EffectivePolicy {
    const doc = this.current();
    let byRole = this.resolved.get(doc);
    if (!byRole) this.resolved.set(doc, (byRole = new Map()));
    let policy = byRole.get(role);
    if (!policy) byRole.set(role, (policy = deepFreeze(resolvePolicy(doc, role))));
    return policy;
  }

  /**
   * Replaces the policy (the caller has checked `policy.edit` and standalone mode). The
   * version always goes up; the change (each setting it moved, before and after) and any
   * profile warning are audited in the same transaction. Open sessions read the new idle time
   * and lifetime at their next look (SessionService).
   */
  replace(
    actor: Actor | null,
    proposed: Omit<PolicyDocument, 'version'>,
    /** On a PC with its own store key: signs the new document (StandaloneAuthority.signPolicy). */
    sign?: (document: PolicyDocument) => SignedPolicy,
  ): PolicyDocument {
    const before = this.current();
    const parsed = policyDocumentSchema.safeParse({ ...proposed, version: before.version + 1 });
    if (!parsed.success) {
      throw new KeyholderError(
        'invalid_policy',
        'The policy has values outside the allowed ranges.',
      );
    }
    const next = parsed.data;
    const warnings = Object.entries(next.roles)
      .filter(([, r]) => PROFILE_WARNINGS[r.profile])
      .map(([role, r]) => ({ role, profile: r.profile, warning: PROFILE_WARNINGS[r.profile] }));
    if (!sign && this.integrity.anchor()?.kind === 'store')
      throw new Error('a standalone PC with a store key signs its policy');
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO policy (id, version, document, updated_at, updated_by, signed_bundle)
           VALUES (1, @version, @document, @at, @by, @bundle)
           ON CONFLICT(id) DO UPDATE SET version = excluded.version, document = excluded.document,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by,
           signed_bundle = excluded.signed_bundle`,
        )
        .run({
          version: next.version,
          document: JSON.stringify(next),
          at: this.now(),
          by: actor?.id ?? null,
          bundle: sign ? JSON.stringify(sign(next)) : null,
        });
      this.audit.append({
        actor,
        action: 'policy.change',
        outcome: 'success',
        details: {
          versionBefore: before.version,
          versionAfter: next.version,
          changes: policyChanges(before, next),
          ...(warnings.length ? { warnings } : {}),
        },
      });
    })();
    this.cache = next;
    if (sign) this.integrity.policySigned();
    return next;
  }
}

/**
 * Replaces the policy with one the sync server signed (the caller verified the signature and
 * that the version goes up, and holds the transaction). The cache is dropped rather than set,
 * so a rolled-back transaction cannot leave a policy in memory that is not on disk.
 */
export function applyServerPolicy(
  db: Db,
  audit: AuditLog,
  policies: PolicyService,
  bundle: SignedPolicy,
  now: number,
): void {
  const before = policies.current();
  const next = bundle.document;
  db.prepare(
    `INSERT INTO policy (id, version, document, updated_at, updated_by, signed_bundle)
     VALUES (1, @version, @document, @at, NULL, @bundle)
     ON CONFLICT(id) DO UPDATE SET version = excluded.version, document = excluded.document,
     updated_at = excluded.updated_at, updated_by = NULL, signed_bundle = excluded.signed_bundle`,
  ).run({
    version: next.version,
    document: JSON.stringify(next),
    at: now,
    bundle: JSON.stringify(bundle),
  });
  audit.append({
    action: 'policy.change',
    outcome: 'success',
    details: {
      source: 'sync',
      versionBefore: before.version,
      versionAfter: next.version,
      changes: policyChanges(before, next),
    },
  });
  policies.invalidate();
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
