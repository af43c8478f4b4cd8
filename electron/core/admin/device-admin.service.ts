import type { PolicyDocument } from '../../../common/policy/policy';
import type { AuditLog } from '../audit/audit-log';
import type { SessionService } from '../auth/session.service';
import type { Db } from '../db/database';
import { backupTo, type LocalStore } from '../db/local-store';
import type { DeviceService } from '../device/device.service';
import { KeyholderError } from '../errors';
import type { PolicyService } from '../policy/policy.service';
import type { Authorizer } from '../rbac/authorizer';
import type { StandaloneAuthority } from '../integrity/standalone-authority.service';
import type { TimeStatus, TrustedTime } from '../time/trusted-time';

/** Device-level admin work in standalone mode: policy, clock confirmation, backups. */
export class DeviceAdminService {
  constructor(
    private readonly d: {
      db: Db;
      store: LocalStore;
      audit: AuditLog;
      sessions: SessionService;
      authz: Authorizer;
      policies: PolicyService;
      device: DeviceService;
      time: TrustedTime;
      authority: StandaloneAuthority;
    },
  ) {}

  policy(sessionId: string): PolicyDocument {
    this.d.authz.require(this.d.sessions.requireActive(sessionId), 'policy.read');
    return this.d.policies.current();
  }

  updatePolicy(sessionId: string, proposed: Omit<PolicyDocument, 'version'>): PolicyDocument {
    const me = this.d.sessions.requireActive(sessionId);
    this.d.authz.require(me, 'policy.edit');
    if (this.d.device.state().mode === 'enrolled') {
      throw new KeyholderError(
        'policy_managed',
        'This computer takes its policy from the sync server. Change it there.',
      );
    }
    // A standalone PC with a store key signs its policy with it (the admin's opened key).
    const signer = this.d.authority.signerFor(me);
    const now = this.d.time.now();
    return this.d.policies.replace(
      { id: me.accountId, name: me.username },
      proposed,
      signer ? (doc) => this.d.authority.signPolicy(signer, doc, now) : undefined,
    );
  }

  timeStatus(): TimeStatus {
    return this.d.time.status();
  }

  /** An admin states that the computer's clock is right now; trusted time restarts from it. */
  confirmTime(sessionId: string): TimeStatus {
    const me = this.d.sessions.requireActive(sessionId);
    this.d.authz.require(me, 'time.confirm');
    this.d.db.transaction(() => {
      const { before, after } = this.d.time.reanchor();
      this.d.audit.append({
        actor: { id: me.accountId, name: me.username },
        action: 'time.reanchor',
        outcome: 'success',
        details: { before, after, by: 'admin' },
      });
    })();
    return this.d.time.status();
  }

  backup(sessionId: string, target: string): void {
    const me = this.d.sessions.requireActive(sessionId);
    this.d.authz.require(me, 'store.backup');
    // Audit first: the backup then contains its own audit entry.
    this.d.audit.append({
      actor: { id: me.accountId, name: me.username },
      action: 'store.backup',
      outcome: 'success',
    });
    backupTo(this.d.store, target);
  }
}
