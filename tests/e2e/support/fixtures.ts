import { test as base } from '@playwright/test';
import { startKeyholderApp, type KeyholderApp } from './keyholder-app';

/** `app`: a fresh Keyholder (own data folder, own keychain items) for one test. */
export const test = base.extend<{ app: KeyholderApp }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure
  app: async ({}, use) => {
    const app = await startKeyholderApp();
    try {
      await use(app);
    } finally {
      await app.close();
    }
  },
});

export { expect } from '@playwright/test';
