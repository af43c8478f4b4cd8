import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../common/audit/audit-record';
import { csvCell } from '../../../backend-sync/reporting/csv';
import { expectGenericError } from '../auth/support/auth-helpers';
import {
  call,
  createPerson,
  serverEvents,
  signInAs,
  startAdminApi,
  type AdminApi,
} from '../stores/support/admin-api';
import { describeEachDialect } from '../support/server-harness';
import {
  buildTwoStores,
  DAY2,
  EVIL_STORE,
  uploadTwoStores,
  type TwoStores,
  type UploadedStores,
} from './support/two-stores';

interface Entry {
  storeId: string;
  storeName: string;
  deviceId: string;
  seq: number;
  at: number;
  actorId: string | null;
  targetName: string | null;
  action: string;
  outcome: string;
  details: Record<string, unknown>;
}
interface Page {
  total: number;
  limit: number;
  offset: number;
  entries: Entry[];
}

let data: TwoStores;
beforeAll(async () => {
  data = await buildTwoStores();
});
afterAll(() => data.dispose());

describe('csvCell', () => {
  it('keeps every cell a spreadsheet could run as a formula as text', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-danger')).toBe("'-danger");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    // The tab that makes it a formula is shown escaped, after the apostrophe.
    expect(csvCell('\t=1')).toBe("'\\u0009=1");
    expect(csvCell('  =1')).toBe("'  =1");
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('line\\u000Abreak');
    expect(csvCell('evil\u202egpj.exe')).toBe('evil\\u202Egpj.exe');
    expect(csvCell('\u2028=1')).toBe("'\\u2028=1");
    expect(csvCell('Maple Street')).toBe('Maple Street');
    expect(csvCell('')).toBe('');
  });
});

describeEachDialect('audit search and export', (dialect) => {
  let api: AdminApi;
  let stores: UploadedStores;
  let manager: string;
  let all: AuditRecord[];
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    stores = await uploadTwoStores(api, data);
    manager = await signInAs(
      api,
      await createPerson(api, { role: 'manager', stores: [stores.northId] }),
    );
    all = [...data.chainNorth, ...data.chainSouth];
  });
  afterAll(() => api.s.close());

  const search = async (query: string, token = api.admin): Promise<Page> => {
    const r = await call(api.s, 'GET', `/api/v1/audit?${query}`, token);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<Page>();
  };
  const key = (e: { deviceId: string; seq: number }) => `${e.deviceId}#${e.seq}`;

  it('pages through every store, newest first, with a total', async () => {
    const seen: Entry[] = [];
    let total: number | undefined;
    for (let offset = 0; ; offset += 7) {
      const page = await search(`limit=7&offset=${offset}`);
      total = page.total;
      seen.push(...page.entries);
      if (page.entries.length < 7) break;
    }
    expect(total).toBe(all.length);
    expect(seen.map(key).sort()).toEqual(all.map(key).sort());
    const times = seen.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const first = (await search('limit=1')).entries[0]!;
    // The entry as the PC wrote it, with its store; nothing else (no hashes, no MACs).
    expect(Object.keys(first).sort()).toEqual(
      [
        'storeId',
        'storeName',
        'deviceId',
        'seq',
        'at',
        'actorId',
        'actorName',
        'action',
        'targetId',
        'targetName',
        'outcome',
        'details',
        'receivedAt',
      ].sort(),
    );
  });

  it('filters by store, person, action, outcome and time', async () => {
    const count = (pred: (e: AuditRecord) => boolean) => all.filter(pred).length;
    expect((await search(`store=${stores.northId}`)).total).toBe(data.chainNorth.length);
    expect((await search(`device=${stores.southPc.deviceId}&limit=500`)).total).toBe(
      data.chainSouth.length,
    );
    const ada = await search(`person=${data.adaId}&limit=500`);
    expect(ada.total).toBe(count((e) => e.actorId === data.adaId || e.targetId === data.adaId));
    expect(ada.total).toBeGreaterThan(4);
    const lockouts = await search('action=auth.lockout');
    expect(lockouts.entries).toMatchObject([
      { storeId: stores.southId, storeName: EVIL_STORE, targetName: '@intruder' },
    ]);
    const failures = await search(`store=${stores.southId}&action=auth.sign_in&outcome=failure`);
    expect(failures.total).toBe(11);
    const day2 = await search(`from=${DAY2}&to=2026-12-01T00:00:00Z&limit=500`);
    expect(day2.total).toBe(count((e) => e.at >= DAY2));
    expect(day2.entries.every((e) => e.storeId === stores.northId)).toBe(true);
    expect((await search(`from=${DAY2}&to=${DAY2}`)).total).toBe(0); // `to` is exclusive
  });

  it('a manager searches and exports their stores only', async () => {
    const mine = await search('limit=500', manager);
    expect(mine.total).toBe(data.chainNorth.length);
    expect(new Set(mine.entries.map((e) => e.storeId))).toEqual(new Set([stores.northId]));
    expect((await search(`person=${data.adaId}&action=auth.lockout`, manager)).total).toBe(0);
    expectGenericError(
      await call(api.s, 'GET', `/api/v1/audit?store=${stores.southId}`, manager),
      404,
    );
    const exported = await call(api.s, 'GET', '/api/v1/audit/export?format=json', manager);
    expect(exported.json<Entry[]>()).toHaveLength(data.chainNorth.length);
    expect((await call(api.s, 'GET', '/api/v1/audit/server-events', manager)).json()).toMatchObject(
      {
        events: expect.any(Array),
      },
    );
    const events = (
      await call(api.s, 'GET', '/api/v1/audit/server-events?limit=500', manager)
    ).json<{
      events: { storeId: string | null }[];
    }>().events;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.storeId === stores.northId)).toBe(true);
  });

  it('exports CSV that a spreadsheet opens safely, and JSON, oldest first; exports are audited', async () => {
    const r = await call(
      api.s,
      'GET',
      `/api/v1/audit/export?format=csv&store=${stores.southId}`,
      api.admin,
    );
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toMatch(
      /^attachment; filename="keyholder-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = r.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'at,store,device,seq,actor,actorId,action,target,targetId,outcome,details',
    );
    expect(lines).toHaveLength(data.chainSouth.length + 1);
    // No cell starts a formula: the store name, "@intruder" and "-danger" are quoted as text.
    const cells = lines.slice(1).flatMap((l) => parseCsvLine(l));
    for (const cell of cells) expect(cell).not.toMatch(/^\s*[=+\-@\t\r]/);
    expect(cells).toContain(`'${EVIL_STORE}`);
    expect(cells).toContain("'@intruder");
    expect(cells).toContain("'-danger");
    const seqs = lines.slice(1).map((l) => Number(parseCsvLine(l)[3]));
    expect(seqs).toEqual(data.chainSouth.map((e) => e.seq));

    const json = await call(
      api.s,
      'GET',
      `/api/v1/audit/export?format=json&action=auth.lockout`,
      api.admin,
    );
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.json()).toMatchObject([{ action: 'auth.lockout', targetName: '@intruder' }]);
    const everything = await call(api.s, 'GET', '/api/v1/audit/export?format=json', api.admin);
    const entries = everything.json<Entry[]>();
    expect(entries.map(key).sort()).toEqual(all.map(key).sort());
    const times = entries.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const empty = await call(
      api.s,
      'GET',
      `/api/v1/audit/export?format=json&from=1&to=2`,
      api.admin,
    );
    expect(empty.json()).toEqual([]);

    const exports = await serverEvents(api.s, 'audit.export');
    expect(exports.find((e) => e.actorId === api.adminId)).toMatchObject({
      actorId: api.adminId,
      storeId: stores.southId,
      details: { format: 'csv', filters: { store: stores.southId }, stores: [stores.southId] },
    });
    // A manager's export records the stores it covered.
    expect(exports[0]).toMatchObject({ details: { format: 'json', stores: [stores.northId] } });
  });
});

/** Minimal RFC 4180 parser for one line (no embedded line breaks in this dataset). */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
      cells.push(value);
      i++; // the comma
    } else {
      const end = line.indexOf(',', i);
      const stop = end === -1 ? line.length : end;
      cells.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return cells;
}
