import { STATUS_CODES } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { createJsonSchemaTransformObject, jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody } from '../routes/admin-schemas';
import { SERVER_VERSION } from '../version';
import { OPERATION_SUMMARIES } from './openapi-operations';

/** Where Swagger UI is served; the document itself is at `${DOCS_PREFIX}/json`. */
export const DOCS_PREFIX = '/docs';

export const BEARER_SCHEME = 'bearerAuth';
export const DEVICE_SCHEME = 'deviceCredential';

/** Every tag a route may use, in the order Swagger UI shows them. */
export const OPENAPI_TAGS = [
  {
    name: 'auth',
    description:
      'Admin set-up (from the one-time code printed by `create-admin`), sign-in with password and TOTP, token refresh, sign-out, password change.',
  },
  {
    name: 'profile',
    description:
      'The signed-in person’s own account: name, email change, notification preferences, sign-in history, sessions.',
  },
  {
    name: 'users',
    description:
      'People across stores, for admins and managers (a manager sees only their stores and crew).',
  },
  { name: 'gdpr', description: 'Export one person’s data; erase a person (admins).' },
  {
    name: 'account',
    description:
      'What people do without a session, from a mailed code or link: verify an address, reset a password, find an account, confirm an email change, unsubscribe from the weekly digest.',
  },
  {
    name: 'stores',
    description: 'Stores: admins create, rename and delete; managers read theirs.',
  },
  {
    name: 'devices',
    description: 'Store PCs: one-time enrollment codes, the device list, revocation.',
  },
  { name: 'policies', description: 'Password and 2FA policy per role, versioned and signed.' },
  {
    name: 'audit',
    description:
      'Audit entries uploaded by store PCs: search, CSV and JSON export; the server’s own events.',
  },
  {
    name: 'analytics',
    description:
      'Sign-ins and failures per store per day, lockouts, devices out of sync, dormant accounts.',
  },
  {
    name: 'sync',
    description:
      'Store PC endpoints: enrollment, pull, audit upload, offline account changes. Authenticated with `Authorization: Device <credential>`.',
  },
  { name: 'operations', description: 'Liveness and readiness probes.' },
] as const;

const DESCRIPTION = [
  'The central server of Keyholder: admins manage stores, devices, people, policies and the audit trail; store PCs sync with it.',
  '',
  '- **Admins and managers** send `Authorization: Bearer <accessToken>` (a short-lived JWT from `POST /api/v1/auth/sign-in` or `/refresh`).',
  '- **Store PCs** send `Authorization: Device <credential>` (from `POST /api/v1/sync/enroll`).',
  '- **Errors** always have the body `{ "error": { "code", "message", "requestId" } }` (some add `details`); never a stack trace.',
  '- **Rate limits** answer `429` with `Retry-After`; uploads take an `Idempotency-Key` header.',
  '',
  'Walk-throughs with curl and JavaScript: `docs/api.md` in the repository.',
].join('\n');

/**
 * OpenAPI 3.1 generated from the zod route schemas (fastify-type-provider-zod), served with
 * Swagger UI at /docs (its assets come from this server: the CSP in plugins/security.ts allows
 * them). Register before any route: @fastify/swagger collects routes as they are added.
 *
 * On top of what the schemas say, each operation gets:
 * - `security`: bearer when the route runs `app.authenticate`, or what the route declares
 *   (the sync routes declare the Device scheme);
 * - a summary (openapi-operations.ts) and a stable operationId built from method and path;
 * - `4XX`/`5XX` answers with the shared error body, unless the route declares its own.
 * The document's keys are put in a stable order, so `npm run openapi` gives the same file for
 * the same code (docs/openapi.json; a test keeps it current).
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const transformObject = createJsonSchemaTransformObject({});
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keyholder sync server',
        version: SERVER_VERSION,
        description: DESCRIPTION,
      },
      tags: OPENAPI_TAGS.map((t) => ({ ...t })),
      components: {
        securitySchemes: {
          [BEARER_SCHEME]: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'Admins, managers and viewers: the access token from `POST /api/v1/auth/sign-in` or `POST /api/v1/auth/refresh` (EdDSA JWT, 15 minutes by default).',
          },
          [DEVICE_SCHEME]: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description:
              'Store PCs: `Device <credential>`, with the credential returned once by `POST /api/v1/sync/enroll`. Revoking the device refuses it at once.',
          },
        },
      },
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      const schema = out.schema as Record<string, unknown>;
      if (schema.hide) return out;
      const route = input.route;
      const methods = ([] as string[]).concat(route.method);
      // `/api/v1/users/` (a prefixed plugin's root) answers without the slash too: document that.
      const url = out.url.length > 1 ? out.url.replace(/\/$/, '') : out.url;
      const key = `${methods[0]} ${url}`;
      const authenticated = preHandlersOf(route).includes(
        app.hasDecorator('authenticate') ? app.authenticate : undefined,
      );
      return {
        url,
        schema: {
          ...schema,
          ...(schema.summary || !OPERATION_SUMMARIES[key]
            ? {}
            : { summary: OPERATION_SUMMARIES[key] }),
          ...(schema.operationId ? {} : { operationId: operationIdOf(methods[0]!, url) }),
          ...(schema.security || !authenticated ? {} : { security: [{ [BEARER_SCHEME]: [] }] }),
        },
      };
    },
    transformObject: (document) => {
      const doc = transformObject(document) as OpenApiDocument;
      return stableDocument(refineResponses(doc)) as ReturnType<typeof transformObject>;
    },
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0 },
    // No inline script or style of its own; CSP stays the server's (plugins/security.ts).
    staticCSP: false,
  });
}

function preHandlersOf(route: RouteOptions): unknown[] {
  return ([] as unknown[]).concat(route.preHandler ?? []);
}

/** `POST /api/v1/stores/:id/enrollment-codes` → `postStoresByIdEnrollmentCodes`. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v1\//, '/')
    .split('/')
    .filter(Boolean)
    .flatMap((segment) =>
      segment.startsWith(':') ? ['by', segment.slice(1)] : segment.split(/[-_.]/),
    );
  return [method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join(
    '',
  );
}

type JsonObject = Record<string, unknown>;
interface OpenApiDocument extends JsonObject {
  paths?: Record<string, Record<string, JsonObject>>;
  components?: JsonObject & { schemas?: JsonObject; responses?: JsonObject };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Answers, refined after generation:
 * - the error body is one shared component: an inline copy of it becomes a `$ref`, and every
 *   status class a route does not describe (4XX; 5XX always) points to it;
 * - "Default Response" (what @fastify/swagger writes when a schema has no description)
 *   becomes the status's reason phrase.
 */
function refineResponses(doc: OpenApiDocument): OpenApiDocument {
  const errorSchema = z.toJSONSchema(errorBody, { target: 'draft-2020-12', io: 'output' });
  delete (errorSchema as JsonObject).$schema;
  const errorJson = JSON.stringify(errorSchema);
  const errorRef = { $ref: '#/components/responses/Error' };
  const errorResponse = {
    description:
      'An error: `code` is stable (for programs), `message` is for people, `requestId` matches the server log. Some errors add `details` (for example `expectedSeq`).',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  const isErrorBody = (response: JsonObject): boolean => {
    const content = response.content as Record<string, { schema?: unknown }> | undefined;
    const keys = Object.keys(content ?? {});
    return (
      keys.length === 1 &&
      keys[0] === 'application/json' &&
      JSON.stringify(content!['application/json']!.schema) === errorJson
    );
  };
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const [url, item] of Object.entries(doc.paths ?? {})) {
    paths[url] = {};
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method)) {
        paths[url][method] = operation;
        continue;
      }
      const responses: JsonObject = {};
      for (const [code, response] of Object.entries(
        (operation.responses as Record<string, JsonObject> | undefined) ?? {},
      )) {
        if (isErrorBody(response)) responses[code] = errorRef;
        else if (response.description === 'Default Response')
          responses[code] = { ...response, description: STATUS_CODES[code] ?? 'Response' };
        else responses[code] = response;
      }
      const codes = Object.keys(responses);
      if (!codes.some((c) => c.startsWith('4'))) responses['4XX'] = errorRef;
      // Any route can answer 500, also one that declares a 503 of its own.
      if (!codes.includes('5XX')) responses['5XX'] = errorRef;
      paths[url][method] = { ...operation, responses };
    }
  }
  return {
    ...doc,
    paths,
    components: {
      ...doc.components,
      schemas: { ...doc.components?.schemas, Error: errorSchema },
      responses: { ...doc.components?.responses, Error: errorResponse },
    },
  };
}

const TOP_LEVEL_ORDER = [
  'openapi',
  'info',
  'jsonSchemaDialect',
  'servers',
  'tags',
  'security',
  'paths',
  'webhooks',
  'components',
];
const OPERATION_ORDER = [
  'tags',
  'summary',
  'description',
  'operationId',
  'security',
  'parameters',
  'requestBody',
  'responses',
];

function ordered(obj: JsonObject, order: readonly string[], sortRest = true): JsonObject {
  const rest = Object.keys(obj).filter((k) => !order.includes(k));
  if (sortRest) rest.sort();
  const keys = [...order.filter((k) => k in obj), ...rest];
  return Object.fromEntries(keys.map((k) => [k, obj[k]]));
}

/**
 * A deterministic key order: paths by URL, methods in HTTP order, operation fields in the
 * order people read them, responses by status, components by name. Schemas keep their own
 * order (the order of the zod fields, which is deterministic and the natural reading order).
 */
export function stableDocument(doc: OpenApiDocument): OpenApiDocument {
  const paths = Object.fromEntries(
    Object.keys(doc.paths ?? {})
      .sort()
      .map((url) => {
        const item = doc.paths![url]!;
        const methods = ordered(item, HTTP_METHODS) as Record<string, JsonObject>;
        for (const m of Object.keys(methods)) {
          const op = ordered(methods[m]!, OPERATION_ORDER);
          if (op.responses) op.responses = ordered(op.responses as JsonObject, []);
          methods[m] = op;
        }
        return [url, methods];
      }),
  );
  const components = Object.fromEntries(
    Object.entries(doc.components ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, ordered(v as JsonObject, [])]),
  );
  return ordered({ ...doc, paths, components }, TOP_LEVEL_ORDER) as OpenApiDocument;
}
