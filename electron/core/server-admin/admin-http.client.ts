import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { badResponse, fromStatus, fromTransport, notConnected } from './admin-errors';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';
export type Query = Record<string, string | number | undefined>;

export interface RawAnswer {
  body: string;
  contentType: string;
  disposition: string;
}

/** Answers larger than this are refused (an export of a very long history is the largest). */
const MAX_BYTES = 5 * 1024 * 1024;
const MAX_EXPORT_BYTES = 64 * 1024 * 1024;

/**
 * HTTP to the sync server's /api/v1, over the axios instance the composition root gives. Every
 * failure becomes a ServerAdminError (admin-errors.ts); every JSON answer is checked against its
 * schema before anything uses it. Redirects are not followed: a bearer token goes only to the
 * server this PC is enrolled with.
 */
export class AdminHttpClient {
  constructor(
    private readonly http: AxiosInstance,
    private readonly serverUrl: () => string | null,
  ) {}

  async json<S extends z.ZodType>(
    schema: S,
    method: Method,
    path: string,
    options: { token?: string; body?: unknown; query?: Query } = {},
  ): Promise<z.output<S>> {
    const raw = await this.send(method, path, options, MAX_BYTES);
    let data: unknown;
    try {
      data = raw.body ? JSON.parse(raw.body) : {};
    } catch {
      throw badResponse();
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw badResponse();
    return parsed.data;
  }

  /** A body that is not JSON to check (an export): returned as text with its headers. */
  raw(path: string, token: string, query: Query): Promise<RawAnswer> {
    return this.send('GET', path, { token, query }, MAX_EXPORT_BYTES);
  }

  private async send(
    method: Method,
    path: string,
    options: { token?: string; body?: unknown; query?: Query },
    maxBytes: number,
  ): Promise<RawAnswer> {
    const base = this.serverUrl();
    if (!base) throw notConnected();
    const url = new URL(`api/v1${path}`, base.endsWith('/') ? base : `${base}/`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json, text/csv' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    // Writes always send JSON (an empty object when there is nothing to say): the server
    // refuses any other content type.
    const payload = method === 'GET' ? undefined : JSON.stringify(options.body ?? {});
    if (payload !== undefined) headers['content-type'] = 'application/json';
    let response;
    try {
      response = await this.http.request<string>({
        method,
        url: url.toString(),
        headers,
        data: payload,
        responseType: 'text',
        transformResponse: (body: unknown) => body,
        validateStatus: () => true,
        maxRedirects: 0,
        maxContentLength: maxBytes,
      });
    } catch (error) {
      throw fromTransport((error as { code?: string }).code);
    }
    const header = (name: string): string => {
      const value: unknown = response.headers[name];
      return typeof value === 'string' ? value : '';
    };
    const body = typeof response.data === 'string' ? response.data : '';
    if (response.status >= 200 && response.status < 300) {
      return {
        body,
        contentType: header('content-type'),
        disposition: header('content-disposition'),
      };
    }
    throw fromStatus(response.status, errorCodeOf(body), header('retry-after'));
  }
}

const uuid = z.uuid();
/** Path segments are ids the request schema already checked; checked again before use. */
export function pathId(value: string): string {
  return encodeURIComponent(uuid.parse(value));
}

function errorCodeOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
  } catch {
    return undefined;
  }
}
