import { createContext, useContext, type ReactNode } from 'react';
import type { KeyholderApi } from '../../common/ipc/contract';

const ApiContext = createContext<KeyholderApi | null>(null);

export function ApiProvider({ api, children }: { api: KeyholderApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): KeyholderApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
