// "Forgot password?" on the sign-in screen (sync.accountPage): through dispatch, with no session.
// Connected: the URL is the connected server's /account/forgot (or /find) in the asked language,
// built in core (nothing from the UI but the page's name and language, from fixed lists), and
// the host opens it. Standalone: a clear refusal and nothing opened. Bad input: refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiHandlers } from '../../../electron/core/api/api-handlers';
import { dispatch } from '../../../electron/core/api/dispatch';
import { newWindowContext } from '../../../electron/core/api/window-context';
import { CoreHarness } from '../../support/core-harness';

const SERVER = 'https://sync.example.test/keyholder';

describe('sync.accountPage: the sync server page "Forgot password?" opens', () => {
  let h: CoreHarness;
  let opened: string[];
  const call = (payload: unknown, host: 'electron' | 'browser' = 'electron') =>
    dispatch(
      createApiHandlers(
        h.kh,
        host === 'electron' ? { openExternal: async (url) => void opened.push(url) } : {},
      ),
      newWindowContext(), // the sign-in screen: nobody signed in
      'sync.accountPage',
      payload,
    );

  beforeEach(async () => {
    h = new CoreHarness();
    await h.setUp();
    opened = [];
  });
  afterEach(() => h.dispose());

  it('on a standalone PC: refused with a clear reason, nothing opened', async () => {
    const result = await call({ page: 'forgot', lang: 'en' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'server_not_connected', message: expect.stringContaining('not connected') },
    });
    expect(opened).toEqual([]);
  });

  it('on a connected PC: the server’s own page in the asked language, opened by the host', async () => {
    h.kh.sync.stateRepository.connect(SERVER, 'store-1', 'unused-key', Date.now());
    const forgot = await call({ page: 'forgot', lang: 'es' });
    expect(forgot).toEqual({
      ok: true,
      data: { url: `${SERVER}/account/forgot?lang=es`, opened: true },
    });
    expect(opened).toEqual([`${SERVER}/account/forgot?lang=es`]);
    expect(new URL(opened[0]!).origin).toBe(new URL(SERVER).origin);

    // The browser shell has no system browser to hand it to: the UI opens the URL itself.
    const find = await call({ page: 'find', lang: 'fr' }, 'browser');
    expect(find).toEqual({
      ok: true,
      data: { url: `${SERVER}/account/find?lang=fr`, opened: false },
    });
    expect(opened).toHaveLength(1);
  });

  it('takes no URL, page or language from the UI beyond its fixed lists', async () => {
    h.kh.sync.stateRepository.connect(SERVER, 'store-1', 'unused-key', Date.now());
    for (const payload of [
      { page: 'forgot', lang: 'en', url: 'https://evil.example/phish' },
      { page: 'https://evil.example/', lang: 'en' },
      { page: '../admin', lang: 'en' },
      { page: 'forgot', lang: 'de' },
      { page: 'forgot' },
      {},
    ]) {
      const result = await call(payload);
      expect(result, JSON.stringify(payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid_request' },
      });
    }
    expect(opened).toEqual([]);
  });
});
