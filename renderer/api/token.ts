const STORAGE_KEY = 'keyholder.token';

/**
 * The browser shell prints `http://127.0.0.1:<port>/#token=<token>`. Read the token once, keep
 * it in sessionStorage (this tab only, gone when the tab closes) so a reload still works, and
 * remove it from the address bar and history at once.
 */
export function takeToken(): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    try {
      sessionStorage.setItem(STORAGE_KEY, match[1]);
    } catch {
      // storage disabled: the token still works until the page is reloaded
    }
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
