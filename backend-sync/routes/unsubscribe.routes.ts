import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerClock } from '../clock';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { escapeHtml } from '../email/templates';
import { HttpError } from '../errors';
import { clientMeta } from '../people/people-services';
import { unsubscribeFromDigest, type UnsubscribeLinks } from '../people/unsubscribe';
import type { ServerAudit } from '../services/server-audit';

export interface UnsubscribeRouteDeps {
  config: Config;
  database: Database;
  clock: ServerClock;
  audit: ServerAudit;
  links: UnsubscribeLinks;
}

const query = z.strictObject({ token: z.string().max(200) });

const invalidLink = () =>
  new HttpError(
    400,
    'invalid_link',
    'This unsubscribe link is not valid. Turn the weekly summary off in your Keyholder profile instead.',
  );

/**
 * /unsubscribe — the link at the bottom of the weekly digest (people/unsubscribe.ts).
 *
 * - GET shows a page with one button; opening the link changes nothing, so mail scanners that
 *   prefetch links do not unsubscribe anyone.
 * - POST turns the digest off and answers with a confirmation page. It is also the target of
 *   the mail's `List-Unsubscribe` header: mail clients' one-click unsubscribe (RFC 8058) posts
 *   `List-Unsubscribe=One-Click` as a form, so this route (only this one) accepts a small
 *   `application/x-www-form-urlencoded` body, and ignores it.
 * No session is needed: the signed token is the proof. Rate-limited per address like the
 * other account routes.
 */
export function unsubscribeRoutes(app: FastifyInstance, deps: UnsubscribeRouteDeps): void {
  const perAddress = {
    rateLimit: { max: deps.config.AUTH_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' },
  };
  app.register(async (scope) => {
    const r = scope.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_request, _body, done) => done(null, {}),
    );
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      reply.header('referrer-policy', 'no-referrer');
    });

    r.get(
      '/unsubscribe',
      { config: perAddress, schema: { hide: true, querystring: query } },
      async (request, reply) => {
        const valid = deps.links.verify(request.query.token) !== null;
        return reply
          .status(valid ? 200 : 400)
          .header('content-type', 'text/html; charset=utf-8')
          .send(valid ? confirmPage(request.query.token) : invalidPage());
      },
    );

    r.post(
      '/unsubscribe',
      {
        config: perAddress,
        schema: {
          tags: ['account'],
          description:
            'The `token` comes from the link in the weekly digest. No session is needed. The body may be empty, JSON, or the form `List-Unsubscribe=One-Click` that mail clients send (RFC 8058); it is ignored. Answers with a short HTML page; the same link keeps working (it only ever turns the digest off).',
          querystring: query,
          response: {
            200: {
              description: 'The weekly digest is off (HTML confirmation page).',
              content: { 'text/html': { schema: z.string() } },
            },
          },
        },
      },
      async (request, reply) => {
        const userId = deps.links.verify(request.query.token);
        if (!userId) throw invalidLink();
        await unsubscribeFromDigest(
          { db: deps.database.db, clock: deps.clock, audit: deps.audit },
          userId,
          clientMeta(request),
        );
        return reply.header('content-type', 'text/html; charset=utf-8').send(donePage());
      },
    );
  });
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a;background:#f6f6f4;margin:0}
main{max-width:30rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px}
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

function confirmPage(token: string): string {
  const action = `unsubscribe?token=${encodeURIComponent(token)}`;
  return page(
    'Stop the weekly Keyholder summary?',
    `<p>You will stop receiving the weekly summary email. Security alerts are not affected.</p>
<form method="post" action="${escapeHtml(action)}"><button type="submit">Unsubscribe</button></form>`,
  );
}

function donePage(): string {
  return page(
    'You are unsubscribed',
    '<p>You will no longer receive the weekly Keyholder summary. You can turn it back on in your profile’s notification preferences.</p>',
  );
}

function invalidPage(): string {
  return page(
    'This link is not valid',
    '<p>This unsubscribe link is incomplete or was not made by this server. You can turn the weekly summary off in your Keyholder profile’s notification preferences.</p>',
  );
}
