import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROFILE_IDS, ROLES, policyDocumentSchema } from '../../common/policy';
import { signedPolicySchema } from '../../common/sync/protocol';
import { principalOf, requirePermission } from '../auth/auth.plugin';
import { warningsFor } from '../policies/policy.service';
import { adminErrors, errorBody, type AdminRouteDeps } from './admin-schemas';

const warningSchema = z.object({
  profile: z.enum(PROFILE_IDS),
  roles: z.array(z.enum(ROLES)),
  message: z.string(),
});

const publishBody = z.strictObject({
  /** The version the admin edited; when given and no longer current, 409 policy_conflict. */
  basedOnVersion: z.int().min(1).optional(),
  roles: policyDocumentSchema.shape.roles,
});

const profilesSchema = z.object({
  admin: z.enum(PROFILE_IDS),
  manager: z.enum(PROFILE_IDS),
  viewer: z.enum(PROFILE_IDS),
});

const policiesResponse = z.object({
  current: signedPolicySchema,
  warnings: z.array(warningSchema),
  /** The key that verifies every bundle: the one devices pinned at enrollment. */
  publicKey: z.object({ pem: z.string(), keyId: z.string() }),
  history: z.array(
    z.object({
      version: z.number().int(),
      issuedAt: z.number(),
      createdBy: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
      profiles: profilesSchema,
    }),
  ),
});

const publishResponse = z.object({
  policy: signedPolicySchema,
  warnings: z.array(warningSchema),
  unchanged: z.boolean(),
});

/**
 * /api/v1/policies: the policy per role (profile + overrides), versioned and signed.
 * Admins and managers read it; admins publish a new version.
 */
export function policyRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['policies'];

  r.get(
    '/api/v1/policies',
    {
      preHandler: [app.authenticate, requirePermission('policy.read')],
      schema: { tags, response: { 200: policiesResponse, ...adminErrors } },
    },
    async () => {
      const current = await deps.policies.currentBundle();
      return {
        current,
        warnings: warningsFor(current.document),
        publicKey: { pem: deps.policyKey.publicKeyPem, keyId: deps.policyKey.keyId },
        history: await deps.policies.history(),
      };
    },
  );

  r.put(
    '/api/v1/policies',
    {
      preHandler: [app.authenticate, requirePermission('policy.edit')],
      schema: {
        tags,
        body: publishBody,
        response: { 200: publishResponse, ...adminErrors, 409: errorBody },
      },
    },
    async (request) => deps.policies.publish(principalOf(request), request.body),
  );
}
