import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { normalizeEmail, sha256Hex } from '../auth/secret-tokens';
import type { Config } from '../config';
import { withRetryAfter } from './auth.routes';
import { accountPageCsp } from '../plugins/security';
import { accountPageHtml } from '../people/account-page';
import { ACCOUNT_PAGE_SCRIPT } from '../people/account-page-script';
import { ACCOUNT_PAGE_STYLE } from '../people/account-page-style';
import {
  ACCOUNT_LANGS,
  ACCOUNT_PAGES,
  statedAccountLang,
  type AccountLang,
} from '../people/account-words';
import { normalizeName } from '../people/find-account.service';
import { clientMeta, keyedLimit, type PeopleServices } from '../people/people-services';
import {
  acceptedResponse,
  confirmEmailTokenBody,
  credentialBody,
  emailChangedResponse,
  findAccountBody,
  resetCheckResponse,
  resetCompleteBody,
  resetCompleteResponse,
  resetRequestBody,
  twoFactorCompleteBody,
  twoFactorCompleteResponse,
  twoFactorStartResponse,
  verificationCompleteBody,
  verificationStartResponse,
  verificationCompleteResponse,
} from '../people/people.schemas';

const RESET_ACCEPTED =
  'If an active account uses this address, we have sent it a link and a code to choose a new password. They work once, for one hour.';
const FIND_ACCEPTED =
  'If we found an account with this name at this store, we have sent its username to the email address on file.';

/**
 * /api/v1/account — what people do without a session, from a mailed code or link; and
 * /account/* — the pages those links open, and the two entry pages (/account/forgot,
 * /account/find), in en/es/fr (people/account-words.ts), under a stricter CSP than the rest of
 * the server (plugins/security.ts, accountPageCsp).
 *
 * Each route is limited per client address (AUTH_RATE_LIMIT_PER_MINUTE, counted before the body
 * is parsed) and per account or name (the address, the link's token, or the name searched), so
 * neither many addresses against one account nor one address against many accounts gets far.
 *
 * "Find my account" answers 202 with the same body whatever happens, and no masked address: a
 * mask shown only on a match would tell a stranger that a person with this name works at this
 * store (enumeration), and a decoy mask would mislead the very people the feature is for. The
 * mail itself goes only to the address on file.
 */
export function accountRecoveryRoutes(
  app: FastifyInstance,
  people: PeopleServices,
  config: Config,
): void {
  const { verification, passwordReset, twoFactorSetup, findAccount, emailChange } = people;
  const max = config.AUTH_RATE_LIMIT_PER_MINUTE;
  const perAddress = { rateLimit: { max, timeWindow: '1 minute' } };

  app.register(
    async (scope) => {
      const r = scope.withTypeProvider<ZodTypeProvider>();
      const perAccount = keyedLimit(scope, max, (request) => `account:${accountKey(request)}`);
      const perName = keyedLimit(
        scope,
        max,
        (request) =>
          `name:${normalizeName(String((request.body as { displayName?: unknown } | undefined)?.displayName ?? ''))}`,
      );
      scope.addHook('onSend', async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        reply.header('pragma', 'no-cache');
      });

      r.post(
        '/verification/start',
        {
          config: perAddress,
          preHandler: perAccount,
          schema: {
            tags: ['account'],
            body: credentialBody,
            response: { 200: verificationStartResponse },
          },
        },
        async (request) => verification.start(request.body),
      );

      r.post(
        '/verification/complete',
        {
          config: perAddress,
          preHandler: perAccount,
          schema: {
            tags: ['account'],
            body: verificationCompleteBody,
            response: { 200: verificationCompleteResponse },
          },
        },
        async (request) => {
          const { password, totpCode, ...credential } = request.body;
          return verification.complete(credential, password, totpCode, clientMeta(request));
        },
      );

      r.post(
        '/password-reset',
        {
          config: perAddress,
          preHandler: perAccount,
          schema: {
            tags: ['account'],
            body: resetRequestBody,
            response: { 202: acceptedResponse },
          },
        },
        async (request, reply) => {
          await passwordReset.request(
            request.body.email,
            clientMeta(request),
            requestLang(request),
          );
          return reply.status(202).send({ status: 'accepted' as const, message: RESET_ACCEPTED });
        },
      );

      r.post(
        '/password-reset/check',
        {
          config: perAddress,
          preHandler: perAccount,
          schema: {
            tags: ['account'],
            body: credentialBody,
            response: { 200: resetCheckResponse },
          },
        },
        async (request) => passwordReset.check(request.body),
      );

      r.post(
        '/password-reset/complete',
        {
          config: perAddress,
          preHandler: perAccount,
          schema: {
            tags: ['account'],
            body: resetCompleteBody,
            response: { 200: resetCompleteResponse },
          },
        },
        async (request) => {
          const { newPassword, totpCode, ...credential } = request.body;
          await passwordReset.complete(credential, newPassword, totpCode, clientMeta(request));
          return { status: 'password_changed' as const };
        },
      );

      // Setting up two-step sign-in again after a reset, from the mailed link or code.
      r.post(
        '/two-factor/start',
        {
          config: perAddress,
          preHandler: perAccount,
          schema: {
            tags: ['account'],
            body: credentialBody,
            response: { 200: twoFactorStartResponse },
          },
        },
        async (request) => twoFactorSetup.start(request.body),
      );

      r.post(
        '/two-factor/complete',
        {
          config: perAddress,
          preHandler: perAccount,
          schema: {
            tags: ['account'],
            body: twoFactorCompleteBody,
            response: { 200: twoFactorCompleteResponse },
          },
        },
        async (request, reply) => {
          const { password, totpCode, ...credential } = request.body;
          return withRetryAfter(reply, () =>
            twoFactorSetup.complete(credential, password, totpCode, clientMeta(request)),
          );
        },
      );

      r.post(
        '/find',
        {
          config: perAddress,
          preHandler: perName,
          schema: { tags: ['account'], body: findAccountBody, response: { 202: acceptedResponse } },
        },
        async (request, reply) => {
          findAccount.find(request.body.displayName, request.body.storeName, clientMeta(request));
          return reply.status(202).send({ status: 'accepted' as const, message: FIND_ACCEPTED });
        },
      );

      r.post(
        '/email/confirm',
        {
          config: perAddress,
          preHandler: perAccount,
          schema: {
            tags: ['account'],
            body: confirmEmailTokenBody,
            response: { 200: emailChangedResponse },
          },
        },
        async (request) => {
          const { email } = await emailChange.confirm(request.body, clientMeta(request));
          return { status: 'email_changed' as const, email };
        },
      );
    },
    { prefix: '/api/v1/account' },
  );

  // The pages: static but for the language (the secret is in the fragment, read by the script).
  for (const kind of ACCOUNT_PAGES) {
    const html = new Map(ACCOUNT_LANGS.map((lang) => [lang, accountPageHtml(kind, lang)]));
    app.get(`/account/${kind}`, { schema: { hide: true } }, async (request, reply) =>
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', accountPageCsp())
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header('vary', 'accept-language')
        .send(html.get(requestLang(request) ?? 'en')),
    );
  }
  const asset = (path: string, type: string, body: string) =>
    app.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('content-type', `${type}; charset=utf-8`)
        .header('content-security-policy', accountPageCsp())
        .header('cache-control', 'no-cache')
        .send(body),
    );
  asset('/account/account.js', 'text/javascript', ACCOUNT_PAGE_SCRIPT);
  asset('/account/account.css', 'text/css', ACCOUNT_PAGE_STYLE);
}

/**
 * The language a request asks for: `?lang=` (the pages' language links), else Accept-Language
 * (the pages' script sends the page's own); undefined when it asks for none we have.
 */
export function requestLang(request: FastifyRequest): AccountLang | undefined {
  return statedAccountLang(
    (request.query as { lang?: unknown } | undefined)?.lang,
    request.headers['accept-language'],
  );
}

/** The account a request is about: the address typed, or the link's token (hashed). */
function accountKey(request: FastifyRequest): string {
  const body = (request.body ?? {}) as { email?: unknown; token?: unknown };
  if (typeof body.email === 'string') return `e:${normalizeEmail(body.email)}`;
  if (typeof body.token === 'string') return `t:${sha256Hex(body.token).slice(0, 32)}`;
  return 'none';
}
