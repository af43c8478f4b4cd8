import { randomBytes } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { AccountRepository } from './accounts/account-repository';
import { MyAccountService } from './accounts/my-account.service';
import { PasswordHasher } from './accounts/password-hasher';
import { CredentialsService } from './accounts/credentials.service';
import { PasswordService } from './accounts/password.service';
import { StaffService } from './accounts/staff.service';
import { DeviceAdminService } from './admin/device-admin.service';
import { AuditLog } from './audit/audit-log';
import { AuditService } from './audit/audit.service';
import { LockoutTracker } from './auth/lockout';
import { SessionService } from './auth/session.service';
import { SignInFailures } from './auth/sign-in-failures';
import { SignInService } from './auth/sign-in.service';
import { openLocalStore, type LocalStore } from './db/local-store';
import { asStoreFault } from './db/storage-faults';
import { DeviceService } from './device/device.service';
import { OfflineBounds } from './device/offline-bounds';
import { StoreIntegrity } from './integrity/store-integrity.service';
import { StoreKeyring } from './integrity/store-keyring';
import { StandaloneAuthority } from './integrity/standalone-authority.service';
import { StoreError } from './errors';
import type { SecretKind, SecretStore } from './keychain/secret-store';
import { secretName } from './keychain/secret-store';
import { PolicyService } from './policy/policy.service';
import { Authorizer } from './rbac/authorizer';
import { ServerAdminService } from './server-admin/server-admin.service';
import { FirstRunService } from './setup/first-run.service';
import { systemClock, type Clock } from './time/clock';
import { DEFAULT_TOLERANCE_MS, TrustedTime } from './time/trusted-time';
import { TotpService } from './totp/totp.service';
import { SyncService, type SyncOptions } from './sync/sync.service';
import { SyncStateRepository } from './sync/sync-state';
import { APP_VERSION } from './version';

export interface KeyholderOptions {
  /** The profile's data folder (the app passes Electron's userData; tests a temp dir). */
  readonly dataDir: string;
  readonly secrets: SecretStore;
  readonly clock?: Clock;
  readonly hasher?: PasswordHasher;
  readonly timeToleranceMs?: number;
  /** HTTP client for the sync server (tests pass their own; the default has a timeout). */
  readonly http?: AxiosInstance;
  readonly sync?: SyncOptions;
}

/** 15 s per request; answers are bounded (a pull page is at most 500 accounts). */
function defaultHttp(): AxiosInstance {
  return axios.create({
    timeout: 15_000,
    maxContentLength: 32 * 1024 * 1024,
    maxBodyLength: 8 * 1024 * 1024,
    maxRedirects: 0,
  });
}

/**
 * The composition root of the desktop core: the one place that constructs services and wires
 * their dependencies. Electron main, the browser shell, tests and benchmarks all start here.
 * A full or read-only disk met while opening (profile.json, the store, the start-up writes)
 * fails with `store_unwritable`, which both hosts show as it is.
 */
export async function openKeyholder(options: KeyholderOptions) {
  const clock = options.clock ?? systemClock;
  try {
    const store = await openLocalStore(options.dataDir, options.secrets);
    try {
      return await wire(store, options, clock);
    } catch (error) {
      store.close();
      throw error;
    }
  } catch (error) {
    throw asStoreFault(error);
  }
}

export type Keyholder = Awaited<ReturnType<typeof openKeyholder>>;

async function wire(store: LocalStore, options: KeyholderOptions, clock: Clock) {
  const { db } = store;
  const isNew = (db.prepare('SELECT count(*) AS n FROM device').get() as { n: number }).n === 0;
  const macKey = await deviceKey(options.secrets, store.profileId, 'audit-mac-key', isNew);
  const sealKey = await deviceKey(options.secrets, store.profileId, 'time-seal-key', isNew);

  const device = new DeviceService(db);
  const { deviceId } = device.ensure(clock.nowMs());
  const time = new TrustedTime(db, sealKey, clock, options.timeToleranceMs ?? DEFAULT_TOLERANCE_MS);
  const now = () => time.now();
  const audit = new AuditLog(db, macKey, deviceId, now);
  // The time seal is written with every audit entry and names it (trusted-time.ts).
  audit.onAppend((record) => time.persist(record));
  const keyring = new StoreKeyring(db);
  const integrity = new StoreIntegrity({ db, audit, deviceId, keyring });
  audit.onTamper(() => integrity.auditTampered());
  audit.setInUse(() => storeInUse(db));
  // Start-up checks, before anything else is recorded (invariant 9): the audit head, the time
  // seal, then every signed record of a connected PC.
  audit.checkHead();
  const anomaly = time.takeUnreportedAnomaly();
  if (anomaly) {
    audit.append({
      action: 'time.anomaly',
      outcome: 'failure',
      details: {
        wallClock: anomaly.wall,
        behindMs: anomaly.behindMs,
        at: 'startup',
        ...(anomaly.seal ? { seal: anomaly.seal } : {}),
      },
    });
  }
  integrity.checkStore();
  const receipt = integrity.receipt();
  if (receipt) time.raiseFloor(receipt.serverTime);

  const hasher = options.hasher ?? new PasswordHasher();
  const accounts = new AccountRepository(db);
  const policies = new PolicyService(db, audit, now, integrity);
  const bounds = new OfflineBounds({ db, device, integrity });
  const passwords = new PasswordService(accounts, hasher, device);
  const totp = new TotpService(db, accounts, hasher);
  const lockout = new LockoutTracker(db);
  const sessions = new SessionService(db, audit, clock, now, (role) => policies.forRole(role));
  const authz = new Authorizer(audit);
  const failures = new SignInFailures({ db, accounts, lockout, audit, policies });
  const credentials = new CredentialsService({
    hasher,
    failures,
    syncState: new SyncStateRepository(db),
    time,
  });
  const authority = new StandaloneAuthority({
    db,
    accounts,
    keyring,
    integrity,
    credentials,
    policies,
    audit,
    now,
  });
  const base = {
    db,
    accounts,
    hasher,
    passwords,
    totp,
    lockout,
    sessions,
    audit,
    policies,
    device,
    time,
    clock,
    integrity,
    bounds,
    credentials,
    keyring,
    authority,
  };

  const signIn = new SignInService(base);
  // The admin area: an admin's sync server session, in memory, bound to the local session.
  const serverAdmin = new ServerAdminService({
    sessions,
    emailOf: (accountId) => accounts.byId(accountId)?.email || null,
    serverUrl: () => {
      const state = device.state();
      return state.mode === 'enrolled' ? state.serverUrl : null;
    },
    http: options.http ?? defaultHttp(),
    clock,
  });
  sessions.onLeave((sessionId) => {
    serverAdmin.sweep();
    // A key opened for the session is dropped with it (lock, sign-out, end).
    keyring.forget(sessionId);
  });
  const sync = new SyncService(
    {
      ...base,
      authz,
      secrets: options.secrets,
      profileId: store.profileId,
      deviceId,
      auditMacKey: macKey,
      http: options.http ?? defaultHttp(),
      appVersion: APP_VERSION,
    },
    options.sync,
  );
  return {
    profileId: store.profileId,
    deviceId,
    db,
    time,
    audit,
    device,
    policies,
    sessions,
    signIn,
    /** A standalone PC's store key, opened per session with a password (integrity/). */
    authority,
    firstRun: new FirstRunService({ ...base, signIn }),
    staff: new StaffService({ ...base, authz }),
    myAccount: new MyAccountService({ ...base, failures }),
    auditLog: new AuditService({ audit, sessions, authz }),
    deviceAdmin: new DeviceAdminService({ ...base, store, authz }),
    sync,
    serverAdmin,
    /** Stops the sync schedule, lets a run in progress finish its step, closes the store. */
    close: () => {
      sync.stop();
      void serverAdmin.close();
      store.close();
    },
  };
}

/** Whether the store was in use: then its audit log cannot be empty (every change is audited). */
function storeInUse(db: LocalStore['db']): boolean {
  const row = db
    .prepare('SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM sync_state) AS n')
    .get() as { n: number };
  return row.n > 0;
}

/** Device keys: created with a new store; for an existing store, missing means unusable. */
async function deviceKey(
  secrets: SecretStore,
  profileId: string,
  kind: SecretKind,
  create: boolean,
): Promise<Buffer> {
  const name = secretName(profileId, kind);
  const existing = await secrets.get(name);
  if (existing) return Buffer.from(existing, 'base64');
  if (!create) {
    throw new StoreError(
      'keychain_key_missing',
      'A key this computer needs is missing from the keychain. Ask your administrator to reset this device.',
      { kind },
    );
  }
  const key = randomBytes(32);
  await secrets.set(name, key.toString('base64'));
  return key;
}
