import type { z } from 'zod';
import type { RequestOf } from '../../../common/ipc/contract';
import {
  erasedPersonSchema,
  passwordResetSentSchema,
  twoFactorResetSchema,
  unlockPersonSchema,
} from '../../../common/ipc/admin.schemas';
import { badResponse } from './admin-errors';
import { pathId } from './admin-http.client';

/**
 * A POST to the sync server as the admin of `sessionId`: ServerAdminService's plumbing, which
 * checks the local session (an active admin's), holds the token and checks the answer.
 */
export type AdminPost = <S extends z.ZodType>(
  sessionId: string,
  schema: S,
  path: string,
  body?: unknown,
) => Promise<z.output<S>>;

/**
 * What an admin can do to one person on the sync server besides role, stores and status
 * (backend-sync/routes/users.routes.ts). The server checks the permission and the scope of the
 * admin's server account; its refusals come back in plain words (admin-errors.ts). None of
 * these lets the admin choose or see a password or a key: the server mails the person.
 */
/** A GET whose answer is a file to save (checked by the caller), as the admin of `sessionId`. */
export type AdminGetText = (sessionId: string, path: string) => Promise<string>;

export class PersonActionsService {
  constructor(
    private readonly post: AdminPost,
    private readonly getText: AdminGetText,
  ) {}

  /** Lifts a sign-in lock; `wasLocked` says whether there was one. */
  unlock(sessionId: string, r: RequestOf<'admin.unlockPerson'>) {
    return this.post(sessionId, unlockPersonSchema, `/users/${pathId(r.personId)}/unlock`);
  }

  /**
   * The person gets a one-time link to choose a new password (their current one keeps working
   * until they do). The answer says whether the mail went out, and to which (masked) address.
   */
  sendPasswordReset(sessionId: string, r: RequestOf<'admin.sendPasswordReset'>) {
    const path = `/users/${pathId(r.personId)}/password-reset`;
    return this.post(sessionId, passwordResetSentSchema, path);
  }

  /**
   * A lost phone: the person's authenticator is cleared, their server sessions are signed out,
   * and they get a link to set up a new one (the password does not change).
   */
  resetTwoFactor(sessionId: string, r: RequestOf<'admin.resetTwoFactor'>) {
    const path = `/users/${pathId(r.personId)}/two-factor-reset`;
    return this.post(sessionId, twoFactorResetSchema, path);
  }

  /**
   * Someone invited who has not confirmed their address yet (the first mail was lost, or its
   * link expired) gets a new one; earlier links stop working.
   */
  resendInvitation(sessionId: string, r: RequestOf<'admin.resendInvitation'>) {
    const path = `/users/${pathId(r.personId)}/verification`;
    return this.post(sessionId, passwordResetSentSchema, path);
  }

  /**
   * GDPR access: what the server holds about the person (account, stores, preferences, sign-in
   * history, audit entries about them; no hash or key), as a JSON file to save. The server
   * audits the export.
   */
  async exportData(sessionId: string, r: RequestOf<'admin.exportPerson'>) {
    const personId = pathId(r.personId);
    const content = await this.getText(sessionId, `/users/${personId}/export`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      throw badResponse();
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badResponse();
    // Our own name, not the server's header: nothing from outside names a file on this PC.
    return { filename: `keyholder-person-${personId}.json`, mimeType: 'application/json', content };
  }

  /**
   * GDPR erasure, which cannot be undone: the account becomes a tombstone the store PCs disable
   * on their next sync, and audit entries are kept under a pseudonym. The server compares the
   * typed email with the person's current one.
   */
  erase(sessionId: string, r: RequestOf<'admin.erasePerson'>) {
    const path = `/users/${pathId(r.personId)}/erase`;
    return this.post(sessionId, erasedPersonSchema, path, { confirmEmail: r.confirmEmail });
  }
}
