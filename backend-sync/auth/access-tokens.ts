import { randomUUID } from 'node:crypto';
import { jwtVerify } from 'jose';
import { z } from 'zod';
import type { Config } from '../config';
import type { SigningKey } from '../keys/signing-keys';

/** The one algorithm accepted; anything else (none, HS256, RS256, …) is refused by allowlist. */
const ALGORITHM = 'EdDSA';
/** RFC 9068 access-token type: an id token or any other JWT of ours is not an access token. */
const TOKEN_TYPE = 'at+jwt';
/** Bounds the work done on an Authorization header before verifying anything. */
export const MAX_ACCESS_TOKEN_LENGTH = 4096;

export interface AccessClaims {
  userId: string;
  familyId: string;
  role: 'admin' | 'manager' | 'viewer';
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(64),
  sid: z.string().min(1).max(64),
  role: z.enum(['admin', 'manager', 'viewer']),
});

/**
 * Short-lived JWT access tokens (jose): EdDSA with the server's token key, `iss`, `aud`,
 * `exp`, `sub` (user id), `sid` (refresh family id), `role`. Verification fixes the algorithm,
 * issuer, audience, type and the clock; callers must still check the family is not revoked
 * (AuthGuard does, on every request), since a JWT alone cannot be withdrawn.
 */
export class AccessTokens {
  constructor(
    private readonly key: SigningKey,
    private readonly config: Pick<
      Config,
      'JWT_ISSUER' | 'JWT_AUDIENCE' | 'ACCESS_TOKEN_TTL_SECONDS'
    >,
  ) {}

  /** Issues a token that expires after the TTL, and never after its family does. */
  issue(
    claims: AccessClaims,
    nowMs: number,
    familyExpiresAt: number,
  ): { token: string; expiresIn: number } {
    const iat = Math.floor(nowMs / 1000);
    const exp = Math.max(
      iat + 1,
      Math.min(iat + this.config.ACCESS_TOKEN_TTL_SECONDS, Math.floor(familyExpiresAt / 1000)),
    );
    // Compact JWS by hand, signed with node:crypto's synchronous Ed25519: jose signs through
    // WebCrypto, a thread-pool round trip that cost more than the rest of a refresh's CPU
    // work. Same header and claims as before; verification below still goes through jose.
    const header = { alg: ALGORITHM, typ: TOKEN_TYPE, kid: this.key.keyId };
    const payload = {
      sid: claims.familyId,
      role: claims.role,
      iss: this.config.JWT_ISSUER,
      aud: this.config.JWT_AUDIENCE,
      sub: claims.userId,
      iat,
      exp,
      jti: randomUUID(),
    };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const signature = Buffer.from(this.key.sign(Buffer.from(input, 'ascii'))).toString('base64url');
    const token = `${input}.${signature}`;
    return { token, expiresIn: exp - iat };
  }

  /** The claims of a valid token, or null — one answer for every kind of invalid. */
  async verify(token: string, nowMs: number): Promise<AccessClaims | null> {
    if (token.length > MAX_ACCESS_TOKEN_LENGTH) return null;
    try {
      const { payload } = await jwtVerify(token, this.key.publicKey, {
        algorithms: [ALGORITHM],
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        typ: TOKEN_TYPE,
        currentDate: new Date(nowMs),
        clockTolerance: 0,
        requiredClaims: ['exp', 'iat', 'sub', 'sid'],
      });
      const parsed = claimsSchema.safeParse(payload);
      if (!parsed.success) return null;
      return { userId: parsed.data.sub, familyId: parsed.data.sid, role: parsed.data.role };
    } catch {
      return null;
    }
  }
}

function base64url(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64url');
}
