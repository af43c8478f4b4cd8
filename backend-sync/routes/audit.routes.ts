import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../../common/audit/audit-record';
import { auditPageSchema, serverEventsPageSchema } from '../../common/admin-api/audit.schemas';
import { principalOf, requirePermission } from '../auth/auth.plugin';
import type { AuditFilter } from '../reporting/audit-search.service';
import { searchServerEvents } from '../reporting/server-events.service';
import { readableStores } from '../stores/store-access';
import { canonicalText } from '../../common/text/canonical-text';
import { adminErrors, timeParam, type AdminRouteDeps } from './admin-schemas';

const filterFields = {
  store: z.uuid().optional(),
  device: z.uuid().optional(),
  /** An account id: entries where it is the actor or the target. */
  person: canonicalText(64).min(1).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  /** Inclusive. */
  from: timeParam.optional(),
  /** Exclusive. */
  to: timeParam.optional(),
};
const page = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};
const rangeOrdered = (q: { from?: number | undefined; to?: number | undefined }) =>
  q.from === undefined || q.to === undefined || q.from <= q.to;
const rangeMessage = { message: 'from must not be after to' };

const searchQuery = z
  .strictObject({
    ...filterFields,
    limit: page.limit,
    /** Page numbers (exact total). Without it, pages go by `cursor` (total counted to a cap). */
    offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
    /** `nextCursor` of the page before: the entries after it (keyset paging). */
    cursor: z.string().min(1).max(200).optional(),
  })
  .refine(rangeOrdered, rangeMessage)
  .refine((q) => q.offset === undefined || q.cursor === undefined, {
    message: 'give offset or cursor, not both',
  });
const exportQuery = z
  .strictObject({ ...filterFields, format: z.enum(['csv', 'json']) })
  .refine(rangeOrdered, rangeMessage);
const serverEventsQuery = z
  .strictObject({
    store: z.uuid().optional(),
    action: z
      .string()
      .regex(/^[a-z_]{1,32}(\.[a-z_]{1,32}){0,2}$/)
      .optional(),
    outcome: z.enum(['success', 'failure', 'denied']).optional(),
    from: timeParam.optional(),
    to: timeParam.optional(),
    ...page,
  })
  .refine(rangeOrdered, rangeMessage);

/**
 * /api/v1/audit: the audit entries store PCs uploaded, searched across the stores the caller
 * may read (admins: all; managers: their stores; another store is a 404), with paging and a
 * total; exported as CSV (formula-safe cells) or JSON, streamed; and the server's own events.
 */
export function auditRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const { db } = deps.database;
  const search = deps.auditSearch;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit'];

  const filterOf = async (
    request: Parameters<typeof principalOf>[0],
    q: z.infer<typeof exportQuery> | z.infer<typeof searchQuery>,
  ): Promise<AuditFilter> => ({
    storeIds: await readableStores(db, principalOf(request), q.store),
    deviceId: q.device,
    person: q.person,
    action: q.action,
    outcome: q.outcome,
    from: q.from,
    to: q.to,
  });

  r.get(
    '/api/v1/audit',
    {
      preHandler: [app.authenticate, requirePermission('audit.read')],
      schema: {
        tags,
        querystring: searchQuery,
        response: {
          200: auditPageSchema,
          ...adminErrors,
        },
      },
    },
    async (request) => {
      const { limit, offset, cursor } = request.query;
      const filter = await filterOf(request, request.query);
      if (offset !== undefined)
        return { ...(await search.search(filter, { limit, offset })), limit, offset };
      return { ...(await search.search(filter, { limit, cursor })), limit };
    },
  );

  r.get(
    '/api/v1/audit/export',
    {
      preHandler: [app.authenticate, requirePermission('audit.export')],
      // No response schema: the body is a stream (CSV or a JSON array), errors the usual JSON.
      schema: { tags, querystring: exportQuery },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const filter = await filterOf(request, request.query);
      const { format, ...filters } = request.query;
      await deps.audit.write({
        action: 'audit.export',
        outcome: 'success',
        actorId: principal.userId,
        storeId: request.query.store ?? null,
        // Which stores the export covered (null: every store, for an admin).
        details: { format, filters, stores: filter.storeIds },
      });
      const stamp = new Date(deps.clock.nowMs()).toISOString().slice(0, 10);
      reply
        .header(
          'content-type',
          format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        )
        .header('content-disposition', `attachment; filename="keyholder-audit-${stamp}.${format}"`)
        .header('cache-control', 'no-store');
      return reply.send(Readable.from(format === 'csv' ? search.csv(filter) : search.json(filter)));
    },
  );

  r.get(
    '/api/v1/audit/server-events',
    {
      preHandler: [app.authenticate, requirePermission('audit.read')],
      schema: {
        tags,
        querystring: serverEventsQuery,
        response: {
          200: serverEventsPageSchema,
          ...adminErrors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const storeIds = await readableStores(db, principalOf(request), q.store);
      const found = await searchServerEvents(
        db,
        { storeIds, action: q.action, outcome: q.outcome, from: q.from, to: q.to },
        { limit: q.limit, offset: q.offset },
      );
      return { ...found, limit: q.limit, offset: q.offset };
    },
  );
}
