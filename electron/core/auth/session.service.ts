import { randomUUID } from 'node:crypto';
import type { EffectivePolicy, Role } from '../../../common/policy/policy';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/database';
import { KeyholderError } from '../errors';
import type { Clock } from '../time/clock';

export interface SessionActor {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly username: string;
}

export interface SessionView {
  sessionId: string;
  accountId: string;
  username: string;
  displayName: string;
  role: Role;
  state: 'active' | 'locked';
  startedAt: number;
  idleLockMinutes: number;
  /** Trusted time at which the session ends regardless of activity. */
  expiresAt: number;
}

export interface PendingSession {
  view: SessionView;
  /** Sessions of the same person this one replaces (ended in the sign-in's transaction). */
  replaces: string[];
}

interface LiveSession {
  view: SessionView;
  startedMono: number;
  lastActivityMono: number;
}

/** Why a session ends (`sessions.end_reason`, and the audit entry's `reason`). */
export type SessionEndReason =
  | 'signed_out'
  | 'expired'
  | 'account_disabled'
  | 'account_removed'
  | 'role_changed'
  | 'password_changed'
  | 'replaced';

/**
 * Signed-in sessions on this PC. Held in memory (a restart signs everyone out) and mirrored to
 * the `sessions` table for history. Idle lock and absolute lifetime are measured on the
 * monotonic clock, so changing the wall clock neither extends nor shortens them.
 *
 * Invariants:
 * - one live session per person on this PC: a new sign-in ends the person's earlier session
 *   (audited with the reason `replaced`), so "switch user" never lists anyone twice;
 * - idle time and lifetime are read from the policy as it is now (`policyFor`), at every look,
 *   so a changed policy (edited here or pulled from the server) applies to open sessions at once.
 */
export class SessionService {
  private readonly live = new Map<string, LiveSession>();
  private readonly leaveListeners: ((sessionId: string) => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly now: () => number,
    private readonly policyFor: (role: Role) => EffectivePolicy,
  ) {
    // Sessions of a previous run ended when it stopped.
    db.prepare(
      "UPDATE sessions SET ended_at = ?, end_reason = 'app_stopped' WHERE ended_at IS NULL",
    ).run(now());
  }

  /**
   * Records a new session, and ends the person's earlier session on this PC (replaced). Call
   * inside the sign-in transaction, then `activate` the result after it commits: a session whose
   * sign-in could not be recorded must never exist, and a rolled-back sign-in replaces nothing.
   */
  create(actor: SessionActor, displayName: string, policy: EffectivePolicy): PendingSession {
    const id = randomUUID();
    const startedAt = this.now();
    const lifetimeMs = policy.session.maxSessionHours * 3_600_000;
    const replaces = [...this.live.values()]
      .filter((s) => s.view.accountId === actor.id)
      .map((s) => s.view);
    for (const old of replaces) this.recordEnd(old, 'replaced');
    const view: SessionView = {
      sessionId: id,
      accountId: actor.id,
      username: actor.username,
      displayName,
      role: actor.role,
      state: 'active',
      startedAt,
      idleLockMinutes: policy.session.idleLockMinutes,
      expiresAt: startedAt + lifetimeMs,
    };
    this.db
      .prepare('INSERT INTO sessions (id, account_id, started_at) VALUES (?, ?, ?)')
      .run(id, actor.id, startedAt);
    return { view, replaces: replaces.map((r) => r.sessionId) };
  }

  activate(pending: PendingSession): SessionView {
    for (const old of pending.replaces) {
      if (this.live.delete(old)) this.left(old);
    }
    const mono = this.clock.monotonicMs();
    this.live.set(pending.view.sessionId, {
      view: { ...pending.view },
      startedMono: mono,
      lastActivityMono: mono,
    });
    return { ...pending.view };
  }

  /** The session as it is now, after applying idle lock and expiry. Throws when gone. */
  get(sessionId: string): SessionView {
    const s = this.live.get(sessionId);
    if (!s) throw sessionEnded();
    const mono = this.clock.monotonicMs();
    const { idleLockMinutes, lifetimeMs } = this.followPolicy(s);
    if (mono - s.startedMono >= lifetimeMs) {
      this.end(sessionId, 'expired');
      throw new KeyholderError('session_expired', 'Your session has ended. Sign in again.');
    }
    if (s.view.state === 'active' && mono - s.lastActivityMono >= idleLockMinutes * 60_000) {
      s.view.state = 'locked';
      this.audit.append({
        actor: actorOf(s.view),
        action: 'auth.session_lock',
        outcome: 'success',
        details: { reason: 'idle' },
      });
    }
    return { ...s.view };
  }

  /** The policy as it is now, not as it was at sign-in, written into the session's view. */
  private followPolicy(s: LiveSession): { idleLockMinutes: number; lifetimeMs: number } {
    const { idleLockMinutes, maxSessionHours } = this.policyFor(s.view.role).session;
    const lifetimeMs = maxSessionHours * 3_600_000;
    s.view.idleLockMinutes = idleLockMinutes;
    s.view.expiresAt = s.view.startedAt + lifetimeMs;
    return { idleLockMinutes, lifetimeMs };
  }

  /** An active (unlocked) session, refreshed as activity. Throws when locked or gone. */
  requireActive(sessionId: string): SessionView {
    const view = this.get(sessionId);
    if (view.state === 'locked')
      throw new KeyholderError(
        'session_locked',
        'This session is locked. Enter your password to continue.',
      );
    const s = this.live.get(sessionId);
    if (s) s.lastActivityMono = this.clock.monotonicMs();
    return view;
  }

  lock(sessionId: string, reason: 'manual' | 'idle' | 'switch_user'): SessionView {
    const view = this.get(sessionId);
    const s = this.live.get(sessionId);
    if (s && view.state === 'active') {
      s.view.state = 'locked';
      this.audit.append({
        actor: actorOf(view),
        action: 'auth.session_lock',
        outcome: 'success',
        details: { reason },
      });
      this.left(sessionId);
    }
    return this.get(sessionId);
  }

  /**
   * Called when a session locks or ends, so what hangs on it (the admin area's server
   * session) goes at once rather than at its next use.
   */
  onLeave(listener: (sessionId: string) => void): void {
    this.leaveListeners.push(listener);
  }

  private left(sessionId: string): void {
    for (const listener of this.leaveListeners) listener(sessionId);
  }

  /** Marks a locked session active again; the caller has verified the password. */
  markUnlocked(sessionId: string): SessionView {
    const s = this.live.get(sessionId);
    if (!s) throw sessionEnded();
    s.view.state = 'active';
    s.lastActivityMono = this.clock.monotonicMs();
    return { ...s.view };
  }

  end(sessionId: string, reason: Exclude<SessionEndReason, 'replaced'>): void {
    const s = this.live.get(sessionId);
    if (!s) return;
    this.db.transaction(() => this.recordEnd(s.view, reason))();
    this.live.delete(sessionId);
    this.left(sessionId);
  }

  /** The row and the audit entry of an ending session (in the caller's transaction). */
  private recordEnd(view: SessionView, reason: SessionEndReason): void {
    this.db
      .prepare('UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL')
      .run(this.now(), reason, view.sessionId);
    const action = reason === 'signed_out' ? 'auth.sign_out' : 'auth.session_expired';
    this.audit.append({ actor: actorOf(view), action, outcome: 'success', details: { reason } });
  }

  /** Ends every session of an account (disable, role change, password reset). */
  endAllFor(
    accountId: string,
    reason: 'account_disabled' | 'account_removed' | 'role_changed' | 'password_changed',
    except?: string,
  ): number {
    const ids = [...this.live.values()]
      .filter((s) => s.view.accountId === accountId && s.view.sessionId !== except)
      .map((s) => s.view.sessionId);
    for (const id of ids) this.end(id, reason);
    return ids.length;
  }

  /** Live sessions of one account on this PC. */
  listFor(accountId: string): SessionView[] {
    return [...this.live.values()]
      .filter((s) => s.view.accountId === accountId)
      .map((s) => {
        this.followPolicy(s);
        return { ...s.view };
      });
  }
}

function sessionEnded(): KeyholderError {
  return new KeyholderError('session_ended', 'You are signed out. Sign in again.');
}

function actorOf(view: SessionView): { id: string; name: string } {
  return { id: view.accountId, name: view.username };
}
