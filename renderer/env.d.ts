import type { KeyholderApi } from '../common/ipc/contract';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in the browser shell (see api/api-client.ts). */
    keyholder?: KeyholderApi;
  }
}

export {};
