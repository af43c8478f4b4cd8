import type { Kysely } from 'kysely';
import { canonicalJson } from '../../common/audit/canonical-json';
import {
  defaultPolicyDocument,
  policyDocumentSchema,
  PROFILE_WARNINGS,
  resolvePolicy,
  ROLES,
  type PolicyDocument,
  type ProfileId,
  type Role,
} from '../../common/policy';
import { policyChanges } from '../../common/policy/policy-diff';
import type { SignedPolicy } from '../../common/sync/protocol';
import type { ServerClock } from '../clock';
import type { PolicyFor } from '../auth/policy-source';
import type { Principal } from '../auth/auth.plugin';
import type { DB } from '../db/schema';
import { conflict } from '../errors';
import type { SigningKey } from '../keys/signing-keys';
import type { ServerAudit } from '../services/server-audit';
import { signPolicyBundle } from './policy-bundle';

export interface ProfileWarning {
  profile: ProfileId;
  roles: Role[];
  message: string;
}

export interface PolicyVersionSummary {
  version: number;
  issuedAt: number;
  createdBy: { id: string; name: string | null } | null;
  profiles: Record<Role, ProfileId>;
}

export interface PublishResult {
  policy: SignedPolicy;
  warnings: ProfileWarning[];
  /** True when the document equalled the current one: no new version was made. */
  unchanged: boolean;
}

/** The warnings a document's profile choices carry (the Classic checklist, for one). */
export function warningsFor(document: PolicyDocument): ProfileWarning[] {
  const byProfile = new Map<ProfileId, Role[]>();
  for (const role of ROLES) {
    const profile = document.roles[role].profile;
    if (PROFILE_WARNINGS[profile])
      byProfile.set(profile, [...(byProfile.get(profile) ?? []), role]);
  }
  return [...byProfile].map(([profile, roles]) => ({
    profile,
    roles,
    message: PROFILE_WARNINGS[profile]!,
  }));
}

type Row = DB['policies'];

/**
 * Versioned policy documents (per role: profile + overrides), each stored with its Ed25519
 * signature (policy-bundle.ts) so pulls serve the bundle as signed. Version 1 (Standard for
 * every role) is created at first start, so a device always has a signed policy to pull.
 *
 * The server's own sign-in (admins) enforces the current document through `policyFor`, from a
 * cache refreshed on every read of the current version (each pull) and on publish; several
 * instances sharing one database converge on their next read.
 */
export class PolicyService {
  private current: SignedPolicy | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: ServerClock,
    private readonly key: Pick<SigningKey, 'sign'>,
    private readonly audit: ServerAudit,
  ) {}

  readonly policyFor: PolicyFor = (role) =>
    resolvePolicy(this.current?.document ?? defaultPolicyDocument(), role);

  /** Creates version 1 if there is none yet, then caches the current version. */
  async load(): Promise<SignedPolicy> {
    const latest = await this.latestRow(this.db);
    if (!latest) {
      const bundle = signPolicyBundle(this.key, {
        version: 1,
        issuedAt: this.clock.nowMs(),
        document: defaultPolicyDocument(),
      });
      await this.db
        .insertInto('policies')
        .values(toRow(bundle, null))
        .onConflict((oc) => oc.column('version').doNothing())
        .execute();
    }
    return this.currentBundle();
  }

  async currentBundle(): Promise<SignedPolicy> {
    const row = await this.latestRow(this.db);
    if (!row) return this.load();
    this.current = toBundle(row);
    return this.current;
  }

  /**
   * The bundle of `version` when that is the cached current one (a pull that already read the
   * current version number), else the current bundle read afresh.
   */
  async bundleAt(version: number): Promise<SignedPolicy> {
    if (this.current && this.current.version === version) return this.current;
    return this.currentBundle();
  }

  async history(limit = 50): Promise<PolicyVersionSummary[]> {
    const rows = await this.db
      .selectFrom('policies as p')
      .leftJoin('users as u', 'u.id', 'p.created_by')
      .select(['p.version', 'p.created_at', 'p.created_by', 'p.document', 'u.display_name'])
      .orderBy('p.version', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => {
      const document = JSON.parse(r.document) as PolicyDocument;
      return {
        version: Number(r.version),
        issuedAt: Number(r.created_at),
        createdBy: r.created_by ? { id: r.created_by, name: r.display_name ?? null } : null,
        profiles: {
          admin: document.roles.admin.profile,
          manager: document.roles.manager.profile,
          viewer: document.roles.viewer.profile,
        },
      };
    });
  }

  /**
   * Stores `roles` as the next version (previous + 1), signed. `basedOnVersion`, when given,
   * must be the current version (optimistic concurrency: an admin editing an outdated copy gets
   * 409 instead of silently undoing someone else's change). A profile with a warning (Classic)
   * returns the warning, and the audit entry records that it was shown.
   */
  async publish(
    actor: Principal,
    input: { basedOnVersion?: number | undefined; roles: PolicyDocument['roles'] },
  ): Promise<PublishResult> {
    const result = await this.db
      .transaction()
      .execute(async (tx) => {
        const latest = await this.latestRow(tx);
        const previous = latest ? toBundle(latest) : null;
        const previousVersion = previous?.version ?? 0;
        if (input.basedOnVersion !== undefined && input.basedOnVersion !== previousVersion) {
          throw staleEdit(previousVersion);
        }
        const version = previousVersion + 1;
        // Validated again as a whole document (and normalised the way it will be signed).
        const document = policyDocumentSchema.parse({ version, roles: input.roles });
        const warnings = warningsFor(document);
        if (previous && canonicalJson(previous.document.roles) === canonicalJson(document.roles)) {
          return { policy: previous, warnings, unchanged: true };
        }
        const bundle = signPolicyBundle(this.key, {
          version,
          issuedAt: this.clock.nowMs(),
          document,
        });
        await tx.insertInto('policies').values(toRow(bundle, actor.userId)).execute();
        await this.audit.write(
          {
            action: 'policy.change',
            outcome: 'success',
            actorId: actor.userId,
            details: {
              version,
              previousVersion,
              profiles: Object.fromEntries(ROLES.map((r) => [r, document.roles[r].profile])),
              overriddenRoles: ROLES.filter((r) => document.roles[r].overrides !== undefined),
              warningsShown: warnings.map((w) => ({ profile: w.profile, roles: w.roles })),
              // Each setting that moved, role by role, before and after (as the PCs record it).
              ...(previous ? { changes: policyChanges(previous.document, document) } : {}),
            },
          },
          tx,
        );
        return { policy: bundle, warnings, unchanged: false };
      })
      .catch(async (error: unknown) => {
        // Two admins publishing at once: the second insert of the same version loses.
        if (isUniqueViolation(error)) {
          throw staleEdit((await this.latestRow(this.db))?.version ?? 0);
        }
        throw error;
      });
    this.current = result.policy;
    return result;
  }

  private latestRow(executor: Kysely<DB>): Promise<Row | undefined> {
    return executor
      .selectFrom('policies')
      .selectAll()
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
}

const staleEdit = (currentVersion: number) =>
  conflict(
    'policy_conflict',
    'The policy was changed meanwhile. Reload it, check the changes, and save again.',
    { currentVersion: Number(currentVersion) },
  );

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

function toRow(bundle: SignedPolicy, createdBy: string | null): Row {
  return {
    version: bundle.version,
    document: canonicalJson(bundle.document),
    signature: bundle.signature,
    created_at: bundle.issuedAt,
    created_by: createdBy,
  };
}

function toBundle(row: Row): SignedPolicy {
  return {
    version: Number(row.version),
    issuedAt: Number(row.created_at),
    document: JSON.parse(row.document) as PolicyDocument,
    signature: row.signature,
  };
}
