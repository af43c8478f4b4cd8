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
  idleMs: number;
  lifetimeMs: number;
}

interface LiveSession {
  view: SessionView;
  startedMono: number;
  lastActivityMono: number;
  idleMs: number;
  lifetimeMs: number;
}

/**
 * Signed-in sessions on this PC. Held in memory (a restart signs everyone out) and mirrored to
 * the `sessions` table for history. Idle lock and absolute lifetime are measured on the
 * monotonic clock, so changing the wall clock neither extends nor shortens them.
 */
export class SessionService {
  private readonly live = new Map<string, LiveSession>();
  private readonly leaveListeners: ((sessionId: string) => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly now: () => number,
  ) {
    // Sessions of a previous run ended when it stopped.
    db.prepare(
      "UPDATE sessions SET ended_at = ?, end_reason = 'app_stopped' WHERE ended_at IS NULL",
    ).run(now());
  }

  /**
   * Records a new session. Call inside the sign-in transaction, then `activate` the result
   * after it commits: a session whose sign-in could not be recorded must never exist.
   */
  create(actor: SessionActor, displayName: string, policy: EffectivePolicy): PendingSession {
    const id = randomUUID();
    const startedAt = this.now();
    const lifetimeMs = policy.session.maxSessionHours * 3_600_000;
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
    return { view, idleMs: policy.session.idleLockMinutes * 60_000, lifetimeMs };
  }

  activate(pending: PendingSession): SessionView {
    const mono = this.clock.monotonicMs();
    this.live.set(pending.view.sessionId, {
      ...pending,
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
    if (mono - s.startedMono >= s.lifetimeMs) {
      this.end(sessionId, 'expired');
      throw new KeyholderError('session_expired', 'Your session has ended. Sign in again.');
    }
    if (s.view.state === 'active' && mono - s.lastActivityMono >= s.idleMs) {
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

  end(
    sessionId: string,
    reason:
      | 'signed_out'
      | 'expired'
      | 'account_disabled'
      | 'account_removed'
      | 'role_changed'
      | 'password_changed',
  ): void {
    const s = this.live.get(sessionId);
    if (!s) return;
    this.db.transaction(() => {
      this.db
        .prepare(
          'UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL',
        )
        .run(this.now(), reason, sessionId);
      const action = reason === 'signed_out' ? 'auth.sign_out' : 'auth.session_expired';
      this.audit.append({
        actor: actorOf(s.view),
        action,
        outcome: 'success',
        details: { reason },
      });
    })();
    this.live.delete(sessionId);
    this.left(sessionId);
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
      .map((s) => ({ ...s.view }));
  }
}

function sessionEnded(): KeyholderError {
  return new KeyholderError('session_ended', 'You are signed out. Sign in again.');
}

function actorOf(view: SessionView): { id: string; name: string } {
  return { id: view.accountId, name: view.username };
}
