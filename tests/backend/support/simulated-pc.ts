import { randomBytes, randomUUID } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import { GENESIS_HASH, type AuditRecord } from '../../../common/audit/audit-record';
import { SyncHttp, type RetryOptions } from '../../../electron/core/sync/sync-http';
import { APP_VERSION } from '../../../electron/core/version';

/**
 * A simulated store PC: the core's own protocol client (`SyncHttp`: axios, the protocol's zod
 * schemas on every answer, its retries) with its own connection, device id, MAC key, cursor and
 * audit chain, without the rest of a core (no local database), so hundreds fit in one process.
 * The sync bench's fleets (bench/sync/) and the multi-instance test use it.
 */
export interface SimPc {
  id: string;
  storeId: string;
  macKey: Buffer;
  /** Its device credential (`Authorization: Device …`), for a test that speaks by hand. */
  credential: string;
  http: SyncHttp;
  /**
   * Its axios instance (one keep-alive connection), for interceptors that watch answers; a new
   * one after `reconnectSimPc`, without the old one's interceptors.
   */
  client: AxiosInstance;
  /** The agent holding its one connection (`closeSimPc` destroys it). */
  agent: HttpAgent;
  /** Where and how it connects, so `reconnectSimPc` can open a new connection. */
  link: { url: string; retry: RetryOptions; headers?: Record<string, string> };
  cursor: number;
  policyVersion: number;
  head: { seq: number; hash: string };
  /** Entries the server has not acknowledged yet (a failed sync sends them again next time). */
  unsent: AuditRecord[];
  people: Array<{ id: string; name: string }>;
  /** Accounts the pull of its last sync brought (changed people of its store). */
  pulled: number;
}

/** Each request tried once: any failure is the caller's to count. */
export const NO_RETRY: RetryOptions = {
  attempts: 1,
  maxWaitMs: 0,
  sleep: async () => undefined,
  random: Math.random,
  nowMs: () => Date.now(),
};

/**
 * Enrolls a PC with an enrollment code through the real routes and takes its first full pull.
 * `headers` go on every request (a test's X-Forwarded-For: the store's address behind a proxy).
 */
export async function enrollSimPc(o: {
  url: string;
  code: string;
  storeId: string;
  name: string;
  retry?: RetryOptions;
  headers?: Record<string, string>;
}): Promise<SimPc> {
  const id = randomUUID();
  const macKey = randomBytes(32);
  const link = {
    url: o.url,
    retry: o.retry ?? NO_RETRY,
    ...(o.headers ? { headers: o.headers } : {}),
  };
  const { agent, client } = connect(link);
  const enrolled = await new SyncHttp(client, o.url, null, link.retry).enroll({
    code: o.code,
    deviceId: id,
    deviceName: o.name,
    appVersion: APP_VERSION,
    auditMacKey: macKey.toString('base64'),
  });
  const pc: SimPc = {
    id,
    storeId: o.storeId,
    macKey,
    credential: enrolled.credential,
    http: new SyncHttp(client, o.url, enrolled.credential, link.retry),
    client,
    agent,
    link,
    cursor: 0,
    policyVersion: 0,
    head: { seq: 0, hash: GENESIS_HASH },
    unsent: [],
    people: [],
    pulled: 0,
  };
  for (;;) {
    const page = await pc.http.pull({ since: pc.cursor, policyVersion: pc.policyVersion });
    pc.cursor = page.cursor;
    pc.policyVersion = page.policy?.version ?? pc.policyVersion;
    pc.people.push(...page.accounts.map((a) => ({ id: a.id, name: a.username })));
    if (!page.more) break;
  }
  return pc;
}

/** One keep-alive connection for one PC, as a store's PC has its own. */
function connect(link: SimPc['link']): { agent: HttpAgent; client: AxiosInstance } {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const client = axios.create({
    timeout: 15_000,
    maxRedirects: 0,
    httpAgent: agent,
    ...(link.headers ? { headers: link.headers } : {}),
  });
  return { agent, client };
}

/**
 * Closes the PC's connection and gives it a new one (same credential, cursor and chain), so its
 * next sync connects anew, as a PC whose keep-alive connection timed out since its last sync.
 * Interceptors on the old `client` are not carried over.
 */
export function reconnectSimPc(pc: SimPc): void {
  pc.agent.destroy();
  const { agent, client } = connect(pc.link);
  pc.agent = agent;
  pc.client = client;
  pc.http = new SyncHttp(client, pc.link.url, pc.credential, pc.link.retry);
}

/** Closes the PC's connection. */
export function closeSimPc(pc: SimPc): void {
  pc.agent.destroy();
}

/**
 * One sync as a core's run sends it: pull since its cursor (with its policy version and audit
 * head; every page, counting the accounts into `pulled`), then `entries` (its backlog, from seq unsent.. to head) in one `POST /audit` with an
 * Idempotency-Key. Throws when it fails or the server acknowledged less than everything; what
 * was not acknowledged stays in `unsent` for the next sync, as in a core.
 */
export async function syncSimPc(pc: SimPc, entries: AuditRecord[]): Promise<void> {
  let answered = false;
  pc.pulled = 0;
  try {
    let cursor = pc.cursor;
    for (;;) {
      const page = await pc.http.pull({
        since: cursor,
        policyVersion: pc.policyVersion,
        auditHead: pc.head.seq,
        appVersion: APP_VERSION,
      });
      cursor = page.cursor;
      pc.pulled += page.accounts.length;
      if (!page.more) break;
    }
    const answer = await pc.http.pushAudit(
      entries,
      `audit-${entries[0]!.seq}-${entries.at(-1)!.seq}`,
    );
    pc.cursor = cursor;
    answered = true;
    pc.unsent = entries.filter((e) => e.seq > answer.acknowledgedSeq);
    if (pc.unsent.length > 0) throw new Error('not acknowledged');
  } catch (error) {
    // Sent again with the next sync, as a core's next run would (the server skips what it
    // already stored from a request that timed out here).
    if (!answered) pc.unsent = entries;
    throw error;
  }
}
