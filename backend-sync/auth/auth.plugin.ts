import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { can, type Permission, type StaffRole } from '../../common/rbac/permissions';
import type { ServerClock } from '../clock';
import { forbidden, unauthorized } from '../errors';
import type { AccessTokens } from './access-tokens';
import type { TokenService } from './token.service';

/** Who is calling: set by `app.authenticate` on every authenticated route. */
export interface Principal {
  userId: string;
  role: StaffRole;
  /** The refresh family (session) the access token belongs to. */
  familyId: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: requires a valid Bearer access token of a live session. */
    authenticate: preHandlerAsyncHookHandler;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/**
 * Authentication for route files. Usage:
 *   { preHandler: [app.authenticate, requirePermission('staff.read')] }
 * then `principalOf(request)` in the handler.
 *
 * Each request: the JWT is verified (EdDSA only, iss, aud, typ, exp on the injected clock),
 * then its session is looked up (one indexed read) so a revoked session, an expired family or a
 * disabled account is refused at once. The role comes from the account, not the token. Every
 * refusal is the same generic 401.
 */
export function registerAuth(
  app: FastifyInstance,
  deps: { access: AccessTokens; tokens: TokenService; clock: ServerClock },
): void {
  app.decorateRequest('principal', null);
  const authenticate: preHandlerAsyncHookHandler = async (request) => {
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw unauthorized();
    const claims = await deps.access.verify(match[1], deps.clock.nowMs());
    if (!claims) throw unauthorized();
    const live = await deps.tokens.liveSession(claims.familyId, claims.userId);
    if (!live) throw unauthorized();
    request.principal = { userId: claims.userId, role: live.role, familyId: claims.familyId };
  };
  app.decorate('authenticate', authenticate);
}

/** The caller; only on routes behind `app.authenticate` (anything else is a programming error). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

/** preHandler (after `app.authenticate`): 403 unless the caller's role has `permission`. */
export function requirePermission(permission: Permission): preHandlerAsyncHookHandler {
  return async (request) => {
    if (!can(principalOf(request).role, permission)) throw forbidden();
  };
}
