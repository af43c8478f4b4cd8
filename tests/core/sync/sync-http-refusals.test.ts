import type { AxiosInstance } from 'axios';
import { describe, expect, it } from 'vitest';
import { SyncHttp } from '../../../electron/core/sync/sync-http';
import { errorCode } from '../../support/core-harness';

/** A server that answers every request with `status` and `data`. */
function answering(status: number, data: unknown): SyncHttp {
  const http = { request: async () => ({ status, data, headers: {} }) };
  return new SyncHttp(http as unknown as AxiosInstance, 'https://sync.example.test', 'cred', {
    attempts: 3,
    maxWaitMs: 0,
    sleep: async () => undefined,
    random: () => 0.5,
    nowMs: () => 0,
  });
}

describe('sync HTTP: refusals of an audit upload', () => {
  it('an entry the server refuses for its text is named, and not retried', async () => {
    const http = answering(422, {
      error: {
        code: 'invalid_entry',
        message: 'An audit entry holds text the server does not accept.',
        requestId: 'r1',
        details: { seq: 7, field: 'targetName' },
      },
    });
    const failure = await http.pushAudit([], 'key-00000001').catch((e: unknown) => e);
    expect(failure).toMatchObject({
      code: 'audit_entry_refused',
      retryable: false,
      details: { status: 422, server: { seq: 7, field: 'targetName' } },
    });
    expect((failure as Error).message).toContain('(number 7)');
    expect((failure as Error).message).toContain('set up again as a new PC');
  });

  it('other 422 answers keep the server’s code and words', async () => {
    const http = answering(422, {
      error: { code: 'audit_chain_broken', message: 'The audit log does not verify.' },
    });
    expect(await errorCode(() => http.pushAudit([], 'key-00000002'))).toBe('audit_chain_broken');
  });
});
