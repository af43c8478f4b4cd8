import type { AxiosInstance } from 'axios';
import type { ConnectPreviewDto, SyncStatusDto } from '../../../common/ipc/sync.schemas';
import type { Handover, HandoverEntry } from '../../../common/sync/handover';
import type { AuditLog } from '../audit/audit-log';
import type { SessionService } from '../auth/session.service';
import type { Db } from '../db/database';
import type { DeviceService } from '../device/device.service';
import { KeyholderError } from '../errors';
import { secretName, type SecretStore } from '../keychain/secret-store';
import type { PolicyService } from '../policy/policy.service';
import type { AccountRepository } from '../accounts/account-repository';
import type { Authorizer } from '../rbac/authorizer';
import type { Clock } from '../time/clock';
import type { TrustedTime } from '../time/trusted-time';
import type { TotpService } from '../totp/totp.service';
import type { StoreIntegrity } from '../integrity/store-integrity.service';
import type { StoreKeyring } from '../integrity/store-keyring';
import type { StandaloneAuthority } from '../integrity/standalone-authority.service';
import { askServer, confirmed, handoverFor, previewDto } from './connect-handover';
import { code, connectAccess, recordConnection } from './sync-enroll';
import { pushAccountChanges } from './account-outbox';
import { pushTotpEnrolments } from './totp-outbox';
import { pushAudit } from './audit-upload';
import { backoffDelay, RUN_BACKOFF } from './backoff';
import { pullAll } from './pull-all';
import { checkSameServer, checkServerKey, displayUrl, parseServerUrl } from './sync-connect';
import { stateAfter, SyncError } from './sync-errors';
import { SyncHttp, type RetryOptions } from './sync-http';
import { DEVICE_REVOKED, SyncStateRepository } from './sync-state';

export interface SyncDeps {
  db: Db;
  accounts: AccountRepository;
  sessions: SessionService;
  policies: PolicyService;
  device: DeviceService;
  audit: AuditLog;
  authz: Authorizer;
  time: TrustedTime;
  clock: Clock;
  secrets: SecretStore;
  profileId: string;
  deviceId: string;
  auditMacKey: Buffer;
  http: AxiosInstance;
  appVersion: string;
  integrity: StoreIntegrity;
  keyring: StoreKeyring;
  authority: StandaloneAuthority;
  totp: TotpService;
}

export interface SyncOptions {
  /** Between successful runs. */
  intervalMs?: number;
  /** HTTP attempts per request inside one run. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  timers?: {
    set: (fn: () => void, ms: number) => unknown;
    clear: (handle: unknown) => void;
  };
}

/**
 * The sync engine (docs/SYNC-PROTOCOL.md): connect, then runs of pull → account changes →
 * audit upload, on an interval, on demand and when the network returns. One run at a time
 * (callers share the run in progress). Every step commits locally before the next request, and
 * every request is idempotent, so a run killed at any point converges on the next one.
 */
export class SyncService {
  private readonly repo: SyncStateRepository;
  private readonly o: Required<SyncOptions>;
  private running: Promise<SyncStatusDto> | null = null;
  private progress: SyncStatusDto['progress'] = null;
  private timer: unknown = null;
  private nextSyncAt: number | null = null;
  private failures = 0;
  private stopped = true;
  private credential: string | null = null;

  constructor(
    private readonly d: SyncDeps,
    options: SyncOptions = {},
  ) {
    this.repo = new SyncStateRepository(d.db);
    this.o = {
      intervalMs: options.intervalMs ?? 5 * 60_000,
      attempts: options.attempts ?? 4,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      random: options.random ?? Math.random,
      timers: options.timers ?? {
        set: (fn, ms) => setTimeout(fn, ms).unref(),
        clear: (h) => clearTimeout(h as NodeJS.Timeout),
      },
    };
  }

  get stateRepository(): SyncStateRepository {
    return this.repo;
  }

  status(): SyncStatusDto {
    return this.statusNow(this.running !== null);
  }

  /**
   * What is true now (`running`: false for the answer a run gives as it ends). A revoked PC has
   * no next sync (only a new enrollment code connects it); the next sync is never a time past
   * (none while a run is due or under way); waiting entries still count, and the UI says why.
   */
  private statusNow(running: boolean): SyncStatusDto {
    const state = this.repo.get();
    const lastError = state?.lastError ?? null;
    const [now, due] = [this.d.time.now(), this.nextSyncAt];
    const revoked = lastError?.code === DEVICE_REVOKED;
    const next = state && !revoked && !running && due !== null && due > now ? due : null;
    return {
      connected: state !== null,
      serverUrl: state ? displayUrl(state.serverUrl) : null,
      storeName: this.d.device.state().storeName,
      state: running ? 'syncing' : stateAfter(lastError),
      lastSyncAt: state?.lastSuccessAt ?? null,
      lastAttemptAt: state?.lastAttemptAt ?? null,
      nextSyncAt: next,
      checkedAt: now,
      pendingEntries: state ? Math.max(0, this.auditHead() - state.acknowledgedSeq) : 0,
      pendingAccountChanges: this.repo.outboxCount(),
      lastError,
      progress: running ? this.progress : null,
    };
  }

  /**
   * What connecting with this code would do (common/sync/handover.ts), for the admin to confirm:
   * the store, its people, and what happens to each person here. The code is not used.
   */
  async previewConnect(
    sessionId: string | null,
    input: { serverUrl: string; code: string; emails?: Record<string, string> },
  ): Promise<ConnectPreviewDto> {
    const { me, standalone } = connectAccess(this.d, this.repo, sessionId);
    const serverUrl = parseServerUrl(input.serverUrl);
    const http = new SyncHttp(this.d.http, serverUrl, null, this.retryOptions(2));
    const { preview, plan } = await askServer(
      this.d,
      http,
      code(input.code),
      standalone,
      input.emails,
    );
    return previewDto(displayUrl(serverUrl), preview, plan, me?.accountId ?? null);
  }

  /**
   * Connects this PC with an enrollment code. The credential goes to the keychain before
   * anything is written locally; the first sync then brings the store's accounts and policy.
   *
   * A PC with people of its own hands them over to the store (connect-handover.ts), once the
   * admin confirmed the plan and their password, if they keep a way in, in the enrollment
   * itself: a refusal leaves this PC as it was. People not handed over leave at the first pull.
   *
   * A PC that learned it was revoked signs nobody in (SignInGates), so nobody could connect it
   * again with a session. There a code alone is enough, but only for the server the PC was
   * connected to, answering with the key it pinned: the code then comes from an admin of that
   * server, and nobody at the PC can point it (and its audit log) at a server of their own.
   */
  async connect(
    sessionId: string | null,
    input: {
      serverUrl: string;
      code: string;
      deviceName: string;
      confirmHandover?: boolean;
      emails?: Record<string, string>;
    },
  ): Promise<SyncStatusDto> {
    const { me, revoked, standalone } = connectAccess(this.d, this.repo, sessionId);
    if (me && standalone) confirmed(this.d, me, input.confirmHandover);
    if (this.running) await this.running.catch(() => undefined);
    const serverUrl = parseServerUrl(input.serverUrl);
    if (revoked) checkSameServer(revoked, { serverUrl });
    const http = new SyncHttp(this.d.http, serverUrl, null, this.retryOptions(2));
    let handover: Handover | undefined;
    let plan: HandoverEntry[] = [];
    if (me && standalone) {
      const asked = await askServer(this.d, http, code(input.code), true, input.emails);
      plan = asked.plan;
      handover = handoverFor(plan, asked.people, me);
    }
    const answer = await http.enroll({
      code: code(input.code),
      deviceId: this.d.deviceId,
      deviceName: input.deviceName,
      appVersion: this.d.appVersion,
      auditMacKey: this.d.auditMacKey.toString('base64'),
      ...(handover ? { handover } : {}),
    });
    if (answer.deviceId !== this.d.deviceId) {
      throw new SyncError('bad_response', 'The sync server answered for another device.', false);
    }
    checkServerKey(answer.serverPublicKey);
    if (revoked) checkSameServer(revoked, { serverUrl, serverPublicKey: answer.serverPublicKey });
    await this.d.secrets.set(secretName(this.d.profileId, 'device-credential'), answer.credential);
    this.credential = answer.credential;
    this.d.time.reanchor(answer.serverTime);
    recordConnection(this.d, this.repo, { serverUrl, answer, revoked, plan, handover });
    this.stopped = false;
    return this.syncNow();
  }

  /**
   * Runs a sync now, or joins the one in progress. Never throws: the status says what failed.
   * A revoked PC does not knock again (its credential is dead; connecting again clears it).
   */
  syncNow(): Promise<SyncStatusDto> {
    if (!this.repo.get() || this.repo.revoked()) return Promise.resolve(this.status());
    this.running ??= this.run().finally(() => {
      this.running = null;
      this.progress = null;
    });
    return this.running;
  }

  /** Starts the background schedule (the composition root calls it once the app is up). */
  start(firstDelayMs = 2_000): void {
    this.stopped = false;
    // A revoked PC does not knock again after a restart either (its credential is dead).
    if (this.repo.get() && !this.repo.revoked()) this.schedule(firstDelayMs);
  }

  stop(): void {
    this.stopped = true;
    this.unschedule();
  }

  /** The OS (via the UI) says the network is back: do not wait for the backoff timer. */
  networkChanged(online: boolean): void {
    if (online) void this.syncNow();
  }

  /** Waits for a run in progress (used before closing the database). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<SyncStatusDto> {
    try {
      await this.runSteps();
      this.failures = 0;
      this.schedule(this.o.intervalMs);
    } catch (error) {
      const failure =
        error instanceof KeyholderError
          ? error
          : new SyncError(
              'sync_failed',
              'Syncing failed unexpectedly. It is tried again later.',
              true,
            );
      this.repo.recordError(failure.code, failure.message);
      if (failure instanceof SyncError && failure.retryable) {
        const retryAfter = failure.retryAfterMs;
        this.failures += 1;
        const delay = backoffDelay(this.failures, RUN_BACKOFF, this.o.random, retryAfter);
        this.schedule(
          Math.min(Math.max(delay, 1_000), Math.max(this.o.intervalMs, retryAfter ?? 0)),
        );
      } else if (failure.code !== DEVICE_REVOKED) {
        this.schedule(this.o.intervalMs);
      } else {
        this.unschedule();
      }
    }
    this.progress = null;
    return this.statusNow(false);
  }

  private async runSteps(): Promise<void> {
    const initial = this.repo.get();
    if (!initial) return;
    const credential = await this.loadCredential();
    this.repo.recordAttempt(this.d.time.now());
    const http = new SyncHttp(
      this.d.http,
      initial.serverUrl,
      credential,
      this.retryOptions(this.o.attempts),
    );

    // 1. Pull every page (revocations first, inside each page's transaction).
    let anchor = await this.pullAll(http);

    // 2. Password changes and authenticators enrolled here (pulled again at once when the server
    // took some, so their signed records arrive in this run), then 3. the audit backlog.
    const pushed = await pushAccountChanges(this.d, this.repo, http);
    const enrolled = await pushTotpEnrolments(this.d, http, (accountId) =>
      this.d.totp.disable(accountId, this.d.time.now()),
    );
    if (pushed || enrolled) anchor = await this.pullAll(http);
    await pushAudit(this.d.audit, this.repo, http, (done, total) => {
      this.progress = { phase: 'upload', done, total };
    });

    this.repo.recordSuccess(this.d.time.now());
    this.d.time.reanchor(anchor.serverTime + (this.d.clock.monotonicMs() - anchor.mono));
  }

  private pullAll(http: SyncHttp) {
    return pullAll(
      this.d,
      this.repo,
      http,
      () => this.auditHead(),
      (progress) => {
        this.progress = progress;
      },
    );
  }

  private async loadCredential(): Promise<string> {
    this.credential ??= await this.d.secrets.get(secretName(this.d.profileId, 'device-credential'));
    if (!this.credential) {
      throw new SyncError(
        'credential_missing',
        "This PC's sync credential is missing from the keychain. Connect it again with a new enrollment code.",
        false,
      );
    }
    return this.credential;
  }

  private auditHead(): number {
    return this.d.audit.headSeq();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.unschedule();
    // Sticky: a revoked PC schedules nothing (status() then shows no next sync).
    if (this.repo.revoked()) return;
    this.nextSyncAt = this.d.time.now() + ms;
    this.timer = this.o.timers.set(() => {
      this.timer = null;
      this.nextSyncAt = null;
      void this.syncNow();
    }, ms);
  }

  private unschedule(): void {
    if (this.timer !== null) this.o.timers.clear(this.timer);
    this.timer = null;
    this.nextSyncAt = null;
  }

  private retryOptions(attempts: number): RetryOptions {
    return {
      attempts,
      maxWaitMs: 60_000,
      sleep: this.o.sleep,
      random: this.o.random,
      nowMs: () => this.d.clock.nowMs(),
    };
  }
}
