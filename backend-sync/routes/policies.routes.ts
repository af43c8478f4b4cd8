import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  policiesResponse,
  publishPolicyBody,
  publishPolicyResponse,
} from '../../common/admin-api/policies.schemas';
import { principalOf, requirePermission } from '../auth/auth.plugin';
import { warningsFor } from '../policies/policy.service';
import { adminErrors, errorBody, type AdminRouteDeps } from './admin-schemas';

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
        body: publishPolicyBody,
        response: { 200: publishPolicyResponse, ...adminErrors, 409: errorBody },
      },
    },
    async (request) => deps.policies.publish(principalOf(request), request.body),
  );
}
