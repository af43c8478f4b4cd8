import type { AxiosInstance } from 'axios';
import type { z } from 'zod';
import type { Channel, RequestOf, ResponseOf } from '../../../common/ipc/contract';
import {
  analyticsSchema,
  auditPageSchema,
  createdPersonSchema,
  devicesResponse,
  enrollmentCodeSchema,
  lockoutsSchema,
  outOfSyncSchema,
  peopleResponse,
  publishPolicyResponse,
  serverDeviceSchema,
  serverPersonSchema,
  serverPolicySchema,
  serverStoreSchema,
  signInsPerDaySchema,
  storesResponse,
} from '../../../common/ipc/admin.schemas';
import type { SessionService, SessionView } from '../auth/session.service';
import { KeyholderError } from '../errors';
import type { Clock } from '../time/clock';
import { badResponse, notConnected } from './admin-errors';
import { AdminHttpClient, pathId as id, type Query } from './admin-http.client';
import { AdminSessionStore } from './admin-session.store';
import { PersonActionsService } from './person-actions.service';

export interface ServerAdminDeps {
  sessions: SessionService;
  /** The local account's email (prefills the server sign-in); null when it has none. */
  emailOf(accountId: string): string | null;
  /** The sync server this PC is enrolled with; null when it is not connected. */
  serverUrl(): string | null;
  http: AxiosInstance;
  clock: Clock;
  /** How often held server sessions are checked against their local session (default 2 s). */
  sweepMs?: number;
}

type AdminChannel = Extract<Channel, `admin.${string}`>;
type Res<C extends AdminChannel> = ResponseOf<C>;
type Req<C extends AdminChannel> = RequestOf<C>;

/**
 * The admin area's link to the sync server. Only an admin's active local session may use it
 * (checked here; the server checks its own permissions too). The admin signs in to the server
 * explicitly with password and a fresh code; the password is passed through, never kept.
 * Server sessions live in memory, bound to the local session, and are dropped (and signed out
 * on the server) when that session locks, ends, or the admin signs out of the server.
 */
export class ServerAdminService {
  private readonly client: AdminHttpClient;
  private readonly store: AdminSessionStore;
  private sweeper: ReturnType<typeof setInterval> | null = null;
  /** Unlock, password reset, 2FA reset and erasure of one person (person-actions.service.ts). */
  readonly personActions: PersonActionsService;

  constructor(private readonly deps: ServerAdminDeps) {
    this.client = new AdminHttpClient(deps.http, deps.serverUrl);
    this.store = new AdminSessionStore(this.client, deps.clock, deps.serverUrl);
    this.personActions = new PersonActionsService(
      (sessionId, schema, path, body) => this.send(sessionId, schema, 'POST', path, body),
      async (sessionId, path) => {
        this.admin(sessionId);
        const answer = await this.store.withToken(sessionId, (token) =>
          this.client.raw(path, token, {}),
        );
        return answer.body;
      },
    );
  }

  status(sessionId: string): Res<'admin.status'> {
    const view = this.admin(sessionId);
    const serverUrl = this.deps.serverUrl();
    const signedIn = serverUrl !== null && this.store.has(sessionId);
    return {
      connected: serverUrl !== null,
      serverUrl,
      signedIn,
      email: this.deps.emailOf(view.accountId) ?? '',
      serverUser: signedIn ? this.store.serverUser(sessionId) : null,
    };
  }

  async signIn(sessionId: string, input: Req<'admin.signIn'>): Promise<Res<'admin.signIn'>> {
    this.admin(sessionId);
    if (!this.deps.serverUrl()) throw notConnected();
    await this.store.signIn(sessionId, input);
    this.startSweeping();
    return this.status(sessionId);
  }

  async signOut(sessionId: string): Promise<Res<'admin.signOut'>> {
    this.admin(sessionId);
    await this.store.drop(sessionId);
    return this.status(sessionId);
  }

  /** Drops server sessions whose local session has locked or ended. */
  sweep(): void {
    for (const id of this.store.sessionIds()) {
      let live: boolean;
      try {
        const view = this.deps.sessions.get(id);
        live = view.state === 'active' && view.role === 'admin';
      } catch {
        live = false;
      }
      if (!live) void this.store.drop(id);
    }
    if (this.store.sessionIds().length === 0) this.stopSweeping();
  }

  /** Signs every held server session out (the app is closing). */
  async close(): Promise<void> {
    this.stopSweeping();
    await Promise.all(this.store.sessionIds().map((id) => this.store.drop(id)));
  }

  listStores(sessionId: string) {
    return this.get(sessionId, storesResponse, '/stores');
  }

  createStore(sessionId: string, r: Req<'admin.createStore'>) {
    const body = { name: r.name, ...(r.brand !== undefined ? { brand: r.brand } : {}) };
    return this.send(sessionId, serverStoreSchema, 'POST', '/stores', body);
  }

  issueEnrollmentCode(sessionId: string, storeId: string) {
    return this.send(
      sessionId,
      enrollmentCodeSchema,
      'POST',
      `/stores/${id(storeId)}/enrollment-codes`,
    );
  }

  listDevices(sessionId: string, storeId: string) {
    return this.get(sessionId, devicesResponse, `/stores/${id(storeId)}/devices`);
  }

  revokeDevice(sessionId: string, deviceId: string) {
    return this.send(sessionId, serverDeviceSchema, 'POST', `/devices/${id(deviceId)}/revoke`);
  }

  listPeople(sessionId: string, r: Req<'admin.listPeople'>) {
    return this.get(sessionId, peopleResponse, '/users', {
      q: r.q || undefined,
      store: r.storeId,
      role: r.role,
      status: r.status,
      cursor: r.cursor,
      limit: 100,
    });
  }

  createPerson(sessionId: string, r: Req<'admin.createPerson'>) {
    return this.send(sessionId, createdPersonSchema, 'POST', '/users', r);
  }

  setRole(sessionId: string, r: Req<'admin.setRole'>) {
    const path = `/users/${id(r.personId)}/role`;
    return this.send(sessionId, serverPersonSchema, 'PUT', path, { role: r.role });
  }

  setStatus(sessionId: string, r: Req<'admin.setStatus'>) {
    const path = `/users/${id(r.personId)}/status`;
    return this.send(sessionId, serverPersonSchema, 'PUT', path, { status: r.status });
  }

  setStores(sessionId: string, r: Req<'admin.setStores'>) {
    const path = `/users/${id(r.personId)}`;
    return this.send(sessionId, serverPersonSchema, 'PATCH', path, { storeIds: r.storeIds });
  }

  policy(sessionId: string) {
    return this.get(sessionId, serverPolicySchema, '/policies');
  }

  publishPolicy(sessionId: string, r: Req<'admin.publishPolicy'>) {
    return this.send(sessionId, publishPolicyResponse, 'PUT', '/policies', r);
  }

  searchAudit(sessionId: string, r: Req<'admin.searchAudit'>) {
    return this.get(sessionId, auditPageSchema, '/audit', {
      ...auditQuery(r),
      limit: r.limit,
      offset: r.offset,
      cursor: r.cursor,
    });
  }

  async exportAudit(
    sessionId: string,
    r: Req<'admin.exportAudit'>,
  ): Promise<Res<'admin.exportAudit'>> {
    this.admin(sessionId);
    const query = { ...auditQuery(r.filter), format: r.format };
    const raw = await this.store.withToken(sessionId, (token) =>
      this.client.raw('/audit/export', token, query),
    );
    if (r.format === 'json') {
      try {
        if (!Array.isArray(JSON.parse(raw.body))) throw badResponse();
      } catch {
        throw badResponse();
      }
    }
    const stamp = new Date(this.deps.clock.nowMs()).toISOString().slice(0, 10);
    return {
      // Our own name, not the server's header: nothing from outside names a file on this PC.
      filename: `keyholder-audit-all-stores-${stamp}.${r.format}`,
      mimeType: r.format === 'csv' ? 'text/csv' : 'application/json',
      content: raw.body,
    };
  }

  async analytics(sessionId: string, r: Req<'admin.analytics'>): Promise<Res<'admin.analytics'>> {
    const range = { store: r.storeId, from: r.from, to: r.to };
    const [signIns, lockouts, outOfSync] = await Promise.all([
      this.get(sessionId, signInsPerDaySchema, '/analytics/sign-ins', {
        ...range,
        utcOffsetMinutes: r.utcOffsetMinutes,
      }),
      this.get(sessionId, lockoutsSchema, '/analytics/lockouts', range),
      this.get(sessionId, outOfSyncSchema, '/analytics/devices-out-of-sync', {
        store: r.storeId,
        hours: r.outOfSyncHours,
      }),
    ]);
    return analyticsSchema.parse({ signIns, lockouts, outOfSync });
  }

  // ---- plumbing ---------------------------------------------------------------------------

  /** The caller's local session: active, and an admin's. Anything else drops its server session. */
  private admin(sessionId: string): SessionView {
    let view: SessionView;
    try {
      view = this.deps.sessions.requireActive(sessionId);
    } catch (error) {
      void this.store.drop(sessionId);
      throw error;
    }
    if (view.role !== 'admin') {
      void this.store.drop(sessionId);
      throw new KeyholderError('forbidden', 'Only administrators can use the admin area.');
    }
    return view;
  }

  private get<S extends z.ZodType>(sessionId: string, schema: S, path: string, query?: Query) {
    this.admin(sessionId);
    return this.store.withToken(sessionId, (token) =>
      this.client.json(schema, 'GET', path, { token, ...(query ? { query } : {}) }),
    );
  }

  private send<S extends z.ZodType>(
    sessionId: string,
    schema: S,
    method: 'POST' | 'PUT' | 'PATCH',
    path: string,
    body?: unknown,
  ) {
    this.admin(sessionId);
    return this.store.withToken(sessionId, (token) =>
      this.client.json(schema, method, path, { token, ...(body !== undefined ? { body } : {}) }),
    );
  }

  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), this.deps.sweepMs ?? 2_000);
    this.sweeper.unref?.();
  }

  private stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }
}

function auditQuery(f: Req<'admin.exportAudit'>['filter']): Query {
  return {
    store: f.storeId,
    person: f.person,
    action: f.action,
    outcome: f.outcome,
    from: f.from,
    to: f.to,
  };
}
