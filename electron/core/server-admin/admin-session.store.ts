import { z } from 'zod';
import type { Clock } from '../time/clock';
import type { AdminHttpClient } from './admin-http.client';
import { signInRequired, type ServerAdminError } from './admin-errors';

const tokensSchema = z.object({
  accessToken: z.string().min(1).max(4096),
  refreshToken: z.string().min(1).max(128),
  expiresIn: z.number().int().positive(),
});
type Tokens = z.infer<typeof tokensSchema>;

const meSchema = z.object({ displayName: z.string(), role: z.string() });

/** Refresh when less than this is left of the access token (or a quarter of a short one). */
const REFRESH_MARGIN_MS = 60_000;

interface Held {
  serverUrl: string;
  accessToken: string;
  refreshToken: string;
  /** Monotonic time at which the access token expires (wall clock changes do not matter). */
  expiresAtMono: number;
  lifetimeMs: number;
  serverUser: string | null;
  refreshing: Promise<void> | null;
}

export interface SignInInput {
  email: string;
  password: string;
  totpCode: string;
}

/**
 * The admin's sync server sessions, in core memory only, one per local session id. Access and
 * refresh tokens never leave this object (not to disk, not over IPC). The access token is
 * rotated before it expires; a refresh is single-flight, since the server revokes a whole
 * session when a used refresh token comes back. Dropping a session signs it out on the server.
 */
export class AdminSessionStore {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly client: AdminHttpClient,
    private readonly clock: Clock,
    private readonly serverUrl: () => string | null,
  ) {}

  has(sessionId: string): boolean {
    return this.current(sessionId) !== null;
  }

  serverUser(sessionId: string): string | null {
    return this.current(sessionId)?.serverUser ?? null;
  }

  sessionIds(): string[] {
    return [...this.held.keys()];
  }

  async signIn(sessionId: string, input: SignInInput): Promise<void> {
    await this.drop(sessionId);
    const serverUrl = this.serverUrl();
    const tokens = await this.client.json(tokensSchema, 'POST', '/auth/sign-in', { body: input });
    const held = this.hold(sessionId, serverUrl ?? '', tokens);
    try {
      const me = await this.client.json(meSchema, 'GET', '/auth/me', { token: tokens.accessToken });
      held.serverUser = me.displayName;
    } catch {
      // The name is only shown; the session works without it.
    }
  }

  /**
   * Runs `call` with a fresh access token; on a 401 (the token was revoked or expired early),
   * rotates once and tries again. A failed rotation ends the server session.
   */
  async withToken<T>(sessionId: string, call: (token: string) => Promise<T>): Promise<T> {
    const held = this.current(sessionId);
    if (!held) throw signInRequired();
    if (held.expiresAtMono - this.clock.monotonicMs() < this.margin(held)) {
      await this.refresh(sessionId, held);
    }
    try {
      return await call(held.accessToken);
    } catch (error) {
      if ((error as ServerAdminError).code !== 'server_sign_in_required') throw error;
      await this.refresh(sessionId, held);
      return call(held.accessToken);
    }
  }

  /** Forgets the session's tokens now, then signs it out on the server (best effort). */
  async drop(sessionId: string): Promise<void> {
    const held = this.held.get(sessionId);
    if (!held) return;
    this.held.delete(sessionId);
    try {
      await this.client.json(z.unknown(), 'POST', '/auth/sign-out', { token: held.accessToken });
    } catch {
      // Offline or already ended: the refresh token is gone from memory either way.
    }
  }

  private current(sessionId: string): Held | null {
    const held = this.held.get(sessionId);
    if (!held) return null;
    // Tokens belong to the server they came from: a PC connected elsewhere starts over.
    if (held.serverUrl !== (this.serverUrl() ?? '')) {
      void this.drop(sessionId);
      return null;
    }
    return held;
  }

  private hold(sessionId: string, serverUrl: string, tokens: Tokens): Held {
    const held: Held = {
      serverUrl,
      accessToken: '',
      refreshToken: '',
      expiresAtMono: 0,
      lifetimeMs: 0,
      serverUser: null,
      refreshing: null,
    };
    this.apply(held, tokens);
    this.held.set(sessionId, held);
    return held;
  }

  private apply(held: Held, tokens: Tokens): void {
    held.accessToken = tokens.accessToken;
    held.refreshToken = tokens.refreshToken;
    held.lifetimeMs = tokens.expiresIn * 1000;
    held.expiresAtMono = this.clock.monotonicMs() + held.lifetimeMs;
  }

  private margin(held: Held): number {
    return Math.min(REFRESH_MARGIN_MS, held.lifetimeMs / 4);
  }

  private refresh(sessionId: string, held: Held): Promise<void> {
    held.refreshing ??= (async () => {
      try {
        const tokens = await this.client.json(tokensSchema, 'POST', '/auth/refresh', {
          body: { refreshToken: held.refreshToken },
        });
        if (this.held.get(sessionId) === held) this.apply(held, tokens);
      } catch (error) {
        if ((error as ServerAdminError).code === 'server_sign_in_required') {
          if (this.held.get(sessionId) === held) this.held.delete(sessionId);
        }
        throw error;
      } finally {
        held.refreshing = null;
      }
    })();
    return held.refreshing;
  }
}
