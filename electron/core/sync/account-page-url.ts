import { notConnected } from '../server-admin/admin-errors';
import type { SyncStateRepository } from './sync-state';

export type AccountPageName = 'forgot' | 'find';
export type AccountPageLang = 'en' | 'es' | 'fr';

/**
 * The address of a page of the connected sync server's account area
 * (backend-sync/routes/account-recovery.routes.ts), built from the server URL this PC pinned at
 * enrollment (already checked: https, or http on loopback only) and nothing from the UI but
 * the page's name and the language, both from fixed lists. A standalone PC has no server: the
 * refusal says so (its people ask a manager, who resets the password on this PC).
 */
export function accountPageUrl(
  repo: Pick<SyncStateRepository, 'get'>,
  page: AccountPageName,
  lang: AccountPageLang,
): string {
  const state = repo.get();
  if (!state) throw notConnected();
  const base = state.serverUrl.endsWith('/') ? state.serverUrl : `${state.serverUrl}/`;
  const url = new URL(`account/${page}`, base);
  url.searchParams.set('lang', lang);
  return url.toString();
}
