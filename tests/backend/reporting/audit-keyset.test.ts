// Keyset pages of GET /api/v1/audit (reporting/audit-search.service.ts): every entry once while
// new ones arrive, the same entries as page numbers, and a total counted to a cap.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuditRecord } from '../../../common/audit/audit-record';
import { TOTAL_CAP } from '../../../backend-sync/reporting/audit-search.service';
import { AuditIngestService } from '../../../backend-sync/sync/audit-ingest.service';
import type { DevicePrincipal } from '../../../backend-sync/sync/device-auth';
import { call, startAdminApi, type AdminApi } from '../stores/support/admin-api';
import { signedChain } from '../support/audit-chain';
import { enrolledDevice } from '../support/audit-device';
import { describeEachDialect } from '../support/server-harness';

interface Page {
  total: number;
  totalCapped: boolean;
  offset?: number;
  nextCursor: string | null;
  entries: Array<{ deviceId: string; seq: number; at: number }>;
}

const clock = { nowMs: () => Date.UTC(2026, 11, 8, 12) };
const T0 = Date.UTC(2026, 10, 20);

describeEachDialect('audit search by keyset', (dialect) => {
  let api: AdminApi;
  let ingest: AuditIngestService;
  let device: DevicePrincipal;
  let macKey: Buffer;
  let chain: AuditRecord[];
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    ingest = new AuditIngestService(api.s.database.db, dialect, clock);
    ({ device, macKey } = await enrolledDevice(api.s.database, clock));
    chain = signedChain(device.deviceId, macKey, 40, { at: T0, spacingMs: 60_000 });
    await ingest.ingest(device, 'first', chain);
  });
  afterAll(() => api.s.close());

  const search = async (query: string): Promise<Page> => {
    const r = await call(api.s, 'GET', `/api/v1/audit?${query}`, api.admin);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<Page>();
  };
  const key = (e: { deviceId: string; seq: number }) => `${e.deviceId}#${e.seq}`;

  it('returns every entry exactly once, newest first, while new entries arrive', async () => {
    const before = new Set((await search('limit=500')).entries.map(key));
    const seen: string[] = [];
    let cursor: string | null = null;
    let arrivals = 0;
    do {
      const page: Page = await search(`limit=6${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.offset).toBeUndefined();
      seen.push(...page.entries.map(key));
      cursor = page.nextCursor;
      // Between two pages, more entries come in: newer ones, and (a PC offline for a while)
      // some older than the page just read.
      const last = chain[chain.length - 1]!;
      const more = signedChain(device.deviceId, macKey, 2, {
        startSeq: last.seq + 1,
        prevHash: last.hash,
        at: arrivals % 2 === 0 ? T0 + 10 * 86_400_000 : T0 - 86_400_000,
        // Both at one time: the order goes on to device and seq.
        spacingMs: 0,
      });
      await ingest.ingest(device, `more-${arrivals++}`, more);
      chain = [...chain, ...more];
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const k of before) expect(seen).toContain(k);
  });

  it('gives the same entries as page numbers, and the same totals under the cap', async () => {
    const byOffset: Page['entries'] = [];
    const byCursor: Page['entries'] = [];
    for (let offset = 0; ; offset += 9) {
      const page = await search(`limit=9&offset=${offset}`);
      expect(page).toMatchObject({ offset, totalCapped: false, total: chain.length });
      byOffset.push(...page.entries);
      if (page.entries.length < 9) break;
    }
    let cursor: string | null = null;
    do {
      const page: Page = await search(`limit=9${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page).toMatchObject({ totalCapped: false, total: chain.length });
      byCursor.push(...page.entries);
      cursor = page.nextCursor;
    } while (cursor);
    expect(byCursor).toEqual(byOffset);
    expect(byCursor.map((e) => e.at)).toEqual([...byCursor.map((e) => e.at)].sort((a, b) => b - a));
  });

  it('refuses a cursor it did not give, and offset with cursor', async () => {
    for (const cursor of ['nope!', Buffer.from('[1,"x\\u0000",2]').toString('base64url')]) {
      const r = await call(api.s, 'GET', `/api/v1/audit?cursor=${cursor}`, api.admin);
      expect(r.statusCode).toBe(400);
    }
    const first = await search('limit=1');
    const both = await call(
      api.s,
      'GET',
      `/api/v1/audit?offset=0&cursor=${first.nextCursor}`,
      api.admin,
    );
    expect(both.statusCode).toBe(400);
  });

  it('counts to the cap by keyset, exactly by offset', async () => {
    const stored = chain.length;
    const rows = Array.from({ length: TOTAL_CAP + 1 - stored + 5 }, (_, i) => ({
      device_id: 'bulk-device',
      seq: i + 1,
      store_id: device.storeId,
      at: T0 + i,
      actor_id: null,
      actor_name: null,
      action: 'auth.sign_in',
      target_id: null,
      target_name: null,
      outcome: 'success',
      details: '{}',
      prev_hash: 'p',
      hash: 'h',
      mac: 'm',
      received_at: T0,
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await api.s.database.db
        .insertInto('audit_events')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    const all = stored + rows.length;
    expect(await search('limit=5')).toMatchObject({ total: TOTAL_CAP, totalCapped: true });
    expect(await search('limit=5&offset=0')).toMatchObject({ total: all, totalCapped: false });
    expect(await search(`limit=5&device=${device.deviceId}`)).toMatchObject({
      total: stored,
      totalCapped: false,
    });
  });
});
