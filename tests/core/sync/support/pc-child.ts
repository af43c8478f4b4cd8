/**
 * A store PC as a child process for the kill -9 tests: the real core on a data folder, with its
 * secrets in the real keychain (KeytarSecretStore, the test's own service name), so the profile
 * survives being killed exactly as on a till.
 *
 * Loads its modules and says `loaded`; on `go work` it opens the store, adds work (an audit
 * backlog, queued password changes: what a busy offline day leaves) and syncs until nothing is
 * pending; on `go finish` it only syncs. Every sync request it starts is announced on stdout
 * (`request pull|accounts|audit`) before it leaves, so the test can kill it in a given phase.
 * Prints `done <status JSON>` at the end. Exits when stdin closes (the test runner died).
 *
 * Env: KH_PC_DATA_DIR, KH_PC_KEYCHAIN_SERVICE, KH_PC_PASSWORD_HASH (argon2id for the changes),
 * KH_PC_AUDIT_BACKLOG, KH_PC_ACCOUNT_CHANGES.
 */
import { createInterface } from 'node:readline';
import axios from 'axios';
import { openKeyholder } from '../../../../electron/core/keyholder';
import { KeytarSecretStore } from '../../../../electron/core/keychain/keytar-secret-store';
import { queuePasswordChange } from '../../../../electron/core/sync/account-outbox';

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const out = (line: string) => process.stdout.write(`${line}\n`);

async function run(mode: 'work' | 'finish'): Promise<void> {
  const http = axios.create({ timeout: 15_000, maxRedirects: 0 });
  http.interceptors.request.use((config) => {
    const phase = /\/(pull|accounts|audit)\b/.exec(config.url ?? '')?.[1] ?? config.url;
    out(`request ${phase}`);
    return config;
  });
  const kh = await openKeyholder({
    dataDir: env('KH_PC_DATA_DIR'),
    secrets: new KeytarSecretStore({ service: env('KH_PC_KEYCHAIN_SERVICE') }),
    http,
    sync: {
      attempts: 3,
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
      timers: { set: () => null, clear: () => undefined },
    },
  });
  out('opened');
  if (mode === 'work') {
    const status = kh.sync.status();
    const backlog = Number(env('KH_PC_AUDIT_BACKLOG'));
    if (status.pendingEntries < backlog) {
      kh.db.transaction(() => {
        for (let i = 0; i < backlog; i += 1) {
          kh.audit.append({ action: 'auth.session_lock', outcome: 'success', details: { i } });
        }
      })();
    }
    if (status.pendingAccountChanges < Number(env('KH_PC_ACCOUNT_CHANGES'))) queueChanges(kh);
    out('work added');
  }
  let last = kh.sync.status();
  for (let runs = 0; runs < 20; runs += 1) {
    last = await kh.sync.syncNow();
    if (last.state === 'idle' && last.pendingEntries === 0 && last.pendingAccountChanges === 0)
      break;
    out(`run failed ${last.lastError?.code ?? ''}`);
  }
  out(`done ${JSON.stringify(last)}`);
  kh.close();
  process.exit(0);
}

/** Password changes made on this PC for synced people, each queued with its change. */
function queueChanges(kh: Awaited<ReturnType<typeof openKeyholder>>): void {
  const hash = env('KH_PC_PASSWORD_HASH');
  const count = Number(env('KH_PC_ACCOUNT_CHANGES'));
  kh.db.transaction(() => {
    const now = kh.time.now();
    const rows = kh.db
      .prepare(
        `SELECT id, server_version AS serverVersion FROM accounts
         WHERE status = 'active' AND server_version > 0
           AND id NOT IN (SELECT account_id FROM account_outbox)
         ORDER BY random() LIMIT ?`,
      )
      .all(count) as { id: string; serverVersion: number }[];
    for (const account of rows) {
      const patch = { passwordHash: hash, passwordChangedAt: now, mustChangePassword: false };
      kh.db
        .prepare(
          'UPDATE accounts SET password_hash = ?, password_changed_at = ?, must_change_password = 0 WHERE id = ?',
        )
        .run(hash, now, account.id);
      // People set up before credential keys: the server takes their change unsigned, once.
      queuePasswordChange(kh.db, account, 'password_changed', patch, null, () => undefined);
      kh.audit.append({
        action: 'password.change',
        target: { id: account.id, name: account.id },
        outcome: 'success',
        details: { source: 'kill9-test' },
      });
    }
  })();
}

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line === 'go work' || line === 'go finish') {
    run(line === 'go work' ? 'work' : 'finish').catch((error: unknown) => {
      process.stderr.write(`pc failed: ${String((error as Error)?.stack ?? error)}\n`);
      process.exit(1);
    });
  }
});
input.on('close', () => process.exit(0));
out('loaded');
