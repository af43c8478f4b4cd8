// The admin area's core (electron/core/server-admin) against a real sync server on loopback,
// signed in as the back office's admin: stores, devices, people, policies, the audit search and
// export, and analytics, with the server's refusals as clear errors. Set-up in
// support/admin-area-pc.
import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { DAY, DAY1 } from '../../backend/reporting/support/two-stores';
import { errorCode } from '../../support/core-harness';
import {
  adminSession,
  api,
  connectToOffice,
  data,
  kh,
  officeEvents,
  signInToServer,
  uploaded,
  useAdminAreaPc,
} from './support/admin-area-pc';

useAdminAreaPc();

describe('signed in to a real server', () => {
  beforeAll(async () => {
    await connectToOffice();
    await signInToServer();
  });

  it('stores: list, create, issue an enrollment code', async () => {
    const { stores } = await kh.serverAdmin.listStores(adminSession);
    expect(stores.map((s) => s.name)).toContain('North');
    const store = await kh.serverAdmin.createStore(adminSession, {
      name: 'Maple Street',
      brand: 'Northwind',
    });
    expect(store).toMatchObject({ name: 'Maple Street', brand: 'Northwind', activeDevices: 0 });
    const issued = await kh.serverAdmin.issueEnrollmentCode(adminSession, store.id);
    expect(issued.storeId).toBe(store.id);
    expect(issued.code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4})+$/);
    expect(issued.expiresAt).toBe(api.clock.nowMs() + 15 * 60_000);
  });

  it('devices: list with sync details, revoke', async () => {
    const { devices } = await kh.serverAdmin.listDevices(adminSession, uploaded.northId);
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({
      id: uploaded.northPc.deviceId,
      status: 'active',
      appVersion: '0.1.0',
    });
    const revoked = await kh.serverAdmin.revokeDevice(adminSession, uploaded.southPc.deviceId);
    expect(revoked.status).toBe('revoked');
    expect(await errorCode(() => kh.serverAdmin.revokeDevice(adminSession, randomUUID()))).toBe(
      'server_not_found',
    );
  });

  it('people: create, search, role, stores, disable and enable', async () => {
    const created = await kh.serverAdmin.createPerson(adminSession, {
      email: 'sam.shift@example.com',
      username: 'sam.shift',
      displayName: 'Sam Shift',
      role: 'viewer',
      storeIds: [uploaded.northId],
    });
    expect(created).toMatchObject({ role: 'viewer', status: 'pending' });
    expect(created.stores.map((s) => s.name)).toEqual(['North']);

    const found = await kh.serverAdmin.listPeople(adminSession, { q: 'sam' });
    expect(found.users.map((u) => u.username)).toEqual(['sam.shift']);

    const promoted = await kh.serverAdmin.setRole(adminSession, {
      personId: created.id,
      role: 'manager',
    });
    expect(promoted.role).toBe('manager');
    const moved = await kh.serverAdmin.setStores(adminSession, {
      personId: created.id,
      storeIds: [uploaded.northId, uploaded.southId],
    });
    expect(moved.stores).toHaveLength(2);
    const disabled = await kh.serverAdmin.setStatus(adminSession, {
      personId: created.id,
      status: 'disabled',
    });
    expect(disabled.status).toBe('disabled');
    const again = await kh.serverAdmin.setStatus(adminSession, {
      personId: created.id,
      status: 'active',
    });
    expect(again.status).not.toBe('disabled');

    const taken = await errorCode(() =>
      kh.serverAdmin.createPerson(adminSession, {
        email: 'other@example.com',
        username: 'sam.shift',
        displayName: 'Another Sam',
        role: 'viewer',
        storeIds: [uploaded.northId],
      }),
    );
    expect(taken).toBe('server_username_taken');
  });

  it('policies: read, publish on the current version, a stale edit is a conflict', async () => {
    const policy = await kh.serverAdmin.policy(adminSession);
    const version = policy.current.version;
    const roles = { ...policy.current.document.roles, viewer: { profile: 'pci' as const } };
    const published = await kh.serverAdmin.publishPolicy(adminSession, {
      basedOnVersion: version,
      roles,
    });
    expect(published.policy.version).toBe(version + 1);
    expect(published.unchanged).toBe(false);
    const stale = await errorCode(() =>
      kh.serverAdmin.publishPolicy(adminSession, { basedOnVersion: version, roles }),
    );
    expect(stale).toBe('policy_conflict');
  });

  it('audit: search across stores with filters and paging, export CSV and JSON', async () => {
    const all = await kh.serverAdmin.searchAudit(adminSession, { limit: 5, offset: 0 });
    expect(all.total).toBe(
      data.chainNorth.length + data.chainSouth.length + (await officeEvents()).length,
    );
    expect(all.entries).toHaveLength(5);
    // By cursor, as the admin area pages: the same entries as by offset.
    const first = await kh.serverAdmin.searchAudit(adminSession, { limit: 3 });
    const next = await kh.serverAdmin.searchAudit(adminSession, {
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect([...first.entries, ...next.entries]).toEqual(all.entries);
    expect(first).toMatchObject({ total: all.total, totalCapped: false });
    const failures = await kh.serverAdmin.searchAudit(adminSession, {
      storeId: uploaded.northId,
      action: 'auth.sign_in',
      outcome: 'failure',
      limit: 50,
      offset: 0,
    });
    expect(failures.total).toBe(3);
    expect(new Set(failures.entries.map((e) => e.storeName))).toEqual(new Set(['North']));

    const csv = await kh.serverAdmin.exportAudit(adminSession, {
      format: 'csv',
      filter: { storeId: uploaded.northId, outcome: 'failure', action: 'auth.sign_in' },
    });
    expect(csv.mimeType).toBe('text/csv');
    expect(csv.filename).toMatch(/^keyholder-audit-all-stores-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.content.trim().split('\n')).toHaveLength(4); // header + 3
    const json = await kh.serverAdmin.exportAudit(adminSession, { format: 'json', filter: {} });
    expect(JSON.parse(json.content)).toHaveLength(all.total);
  });

  it('analytics: sign-ins and failures per store per day, lockouts, devices out of sync', async () => {
    const figures = await kh.serverAdmin.analytics(adminSession, {
      from: DAY1,
      to: DAY1 + 3 * DAY,
      utcOffsetMinutes: 0,
      outOfSyncHours: 24,
    });
    // The two stores' figures, and the back office PC's first-run sign-in it uploaded.
    const office = (await officeEvents()).filter(
      (e) => e.action === 'auth.sign_in' && e.outcome === 'success',
    );
    expect(office).toHaveLength(1);
    expect(figures.signIns.totals).toEqual({ signIns: 4, failures: 14, lockouts: 1 });
    const southDay = figures.signIns.days.find((d) => d.storeId === uploaded.southId);
    expect(southDay).toMatchObject({ day: '2026-11-29', failures: 11, lockouts: 1 });
    expect(figures.lockouts.lockouts.map((l) => l.storeId)).toEqual([uploaded.southId]);
    expect(figures.outOfSync.hours).toBe(24);
    expect(
      await errorCode(() =>
        kh.serverAdmin.analytics(adminSession, {
          from: DAY1,
          to: DAY1 + 400 * DAY,
          utcOffsetMinutes: 0,
          outOfSyncHours: 24,
        }),
      ),
    ).toBe('server_invalid_range');
  });
});
