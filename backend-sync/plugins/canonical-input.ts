import type { FastifyInstance } from 'fastify';
import { textProblem } from '../../common/text/canonical-text';
import { badRequest } from '../errors';

/**
 * Path and query parameters hold canonical text only (common/text/canonical-text.ts): no NUL,
 * no lone surrogate. Route schemas say so where a parameter is text; this hook holds for every
 * route, including ones added later, before any handler runs: PostgreSQL refuses NUL in text
 * (a 500 if it reached a query) and both databases would compare an altered lone surrogate.
 * Bodies are checked by their schemas, so the audit upload can name the entry it refuses.
 */
export function registerCanonicalInput(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    if (hasBadText(request.params) || hasBadText(request.query)) return done(badRequest());
    done();
  });
}

function hasBadText(values: unknown): boolean {
  if (values === null || typeof values !== 'object') return false;
  for (const [key, value] of Object.entries(values)) {
    if (textProblem(key) !== null) return true;
    const list: unknown[] = Array.isArray(value) ? value : [value];
    if (list.some((v) => typeof v === 'string' && textProblem(v) !== null)) return true;
  }
  return false;
}
