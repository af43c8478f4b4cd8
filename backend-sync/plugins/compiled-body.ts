import { Ajv } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * A route whose body is checked by code that ajv compiles from the route's own zod schema
 * (`z.toJSONSchema`), instead of by zod: for the store PCs' audit uploads, where 500 entries a
 * request made zod's check about a tenth of a batch's time and its copy of the body garbage.
 * The zod schema stays the one source: the route's types, the OpenAPI document and the other
 * parts of the request (headers, query) still use it.
 *
 * Invariants, each relied on by the audit ingest:
 * - the same bodies pass as with zod: ajv is set up with zod's meanings (string lengths in code
 *   points, as zod counts them; patterns without the `u` flag; no type coercion), and the schema
 *   must be one JSON Schema can state exactly (no transforms, defaults or custom refinements;
 *   the equivalence test in tests/backend/compiled-body.test.ts runs both on the same corpus);
 * - the body is checked in place, never copied or changed: what the handler gets is the very
 *   object the JSON parser made (which lets the ingest hand that object to a verification
 *   thread before validation ends and know it verified what it stores).
 */
const ajv = new Ajv({
  allErrors: false,
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
  unicodeRegExp: false,
  strict: true,
  allowUnionTypes: true,
});
/** The body's validator, compiled once per schema. */
export function compileBody(schema: z.ZodType) {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'throw' });
  delete (json as { $schema?: string }).$schema;
  return ajv.compile(json);
}

/** A route's `validatorCompiler`: the body through `compileBody`, the rest through zod. */
export const compiledBodyValidator: FastifySchemaCompiler<z.ZodType> = (route) =>
  route.httpPart === 'body' ? compileBody(route.schema) : validatorCompiler(route);

/** Route options: `{ schema, ...compiledBody }`. */
export const compiledBody: { validatorCompiler: FastifySchemaCompiler<FastifySchema> } = {
  validatorCompiler: compiledBodyValidator as FastifySchemaCompiler<FastifySchema>,
};
