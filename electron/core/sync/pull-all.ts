import type { SyncStatusDto } from '../../../common/ipc/sync.schemas';
import type { Clock } from '../time/clock';
import type { TrustedTime } from '../time/trusted-time';
import { applyPullPage, type PageDeps } from './pull-applier';
import { verifySignedPolicy } from './policy-verifier';
import { SyncError } from './sync-errors';
import type { SyncHttp } from './sync-http';
import type { SyncStateRepository } from './sync-state';

export interface PullAllDeps extends Omit<PageDeps, 'state' | 'now'> {
  time: TrustedTime;
  clock: Clock;
  appVersion: string;
}

/** The server's time at the last page and the monotonic clock then: the run re-anchors on it. */
export interface TimeAnchor {
  serverTime: number;
  mono: number;
}

/**
 * Pulls until no page is left (each page applied in its own transaction by applyPullPage). The
 * last page's receipt must match the accounts this PC then holds; when it does not (records
 * changed outside Keyholder, or lost), the cursor goes back to 0 and everything is pulled once
 * more, so genuine records replace the rest. A second mismatch fails the run (retried later).
 */
export async function pullAll(
  d: PullAllDeps,
  repo: SyncStateRepository,
  http: SyncHttp,
  auditHead: () => number,
  onProgress: (progress: NonNullable<SyncStatusDto['progress']>) => void,
): Promise<TimeAnchor> {
  for (let round = 0; ; round += 1) {
    let anchor: TimeAnchor;
    let receipt: 'stored' | 'differs' | undefined;
    for (let pages = 1; ; pages += 1) {
      const state = repo.get()!;
      const page = await http.pull({
        since: state.cursor,
        policyVersion: state.policyVersion,
        auditHead: auditHead(),
        appVersion: d.appVersion,
      });
      anchor = { serverTime: page.serverTime, mono: d.clock.monotonicMs() };
      const policy = page.policy ? checkPolicy(d, page.policy, state) : null;
      const deps = { ...d, state: repo, now: () => d.time.now() };
      receipt = applyPullPage(deps, page, policy).receipt;
      onProgress({ phase: 'download', done: pages, total: page.more ? pages + 1 : pages });
      if (!page.more) break;
    }
    if (receipt === 'stored') {
      // The store now holds what the server signed: earlier problems are answered.
      d.integrity.settled();
      d.policies.invalidate();
      return anchor;
    }
    if (round === 1 || receipt === undefined) {
      throw new SyncError(
        'bad_response',
        'The sync server’s answer did not match what this PC holds. It is tried again later.',
        true,
      );
    }
    d.integrity.reportProblem('account', 'set_differs_at_sync', false);
  }
}

/** A policy that fails its signature or goes back in version is refused, and that is audited. */
function checkPolicy(
  d: PullAllDeps,
  bundle: unknown,
  state: { serverPublicKey: string; policyVersion: number },
) {
  try {
    return verifySignedPolicy(bundle, state.serverPublicKey, state.policyVersion);
  } catch (error) {
    if (error instanceof SyncError) {
      d.db.transaction(() => {
        d.audit.append({
          action: 'sync.policy_refused',
          outcome: 'denied',
          details: { reason: error.details.reason, heldVersion: state.policyVersion },
        });
      })();
    }
    throw error;
  }
}
