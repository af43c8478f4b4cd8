/**
 * Errors a client may see. Anything else becomes a generic 500 with the request id: no stack,
 * no SQL, no internals (plugins/error-handler.ts).
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badRequest = (message = 'The request is not valid.') =>
  new HttpError(400, 'invalid_request', message);
export const unauthorized = (message = 'Sign in again.') =>
  new HttpError(401, 'unauthorized', message);
export const forbidden = () =>
  new HttpError(403, 'forbidden', 'You do not have permission to do that.');
export const notFound = () => new HttpError(404, 'not_found', 'Not found.');
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new HttpError(409, code, message, details);
