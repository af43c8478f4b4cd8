import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';

export const THEMES = ['light', 'dark', 'system'] as const;
export type ThemeChoice = (typeof THEMES)[number];
const STORAGE_KEY = 'keyholder.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export function savedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    if (value && (THEMES as readonly string[]).includes(value)) return value as ThemeChoice;
  } catch {
    // storage disabled
  }
  return 'system';
}

/** Sets `data-theme` on <html> to the theme in effect; the CSS variables follow it. */
export function applyTheme(choice: ThemeChoice): void {
  const dark = choice === 'dark' || (choice === 'system' && matchMedia(DARK_QUERY).matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

interface ThemeHandle {
  theme: ThemeChoice;
  setTheme(choice: ThemeChoice): void;
}

const ThemeContext = createContext<ThemeHandle | null>(null);

export function ThemeProvider({ children }: { children: ReactNode }) {
  const [theme, setChoice] = useState<ThemeChoice>(savedTheme);

  useEffect(() => {
    applyTheme(theme);
    if (theme !== 'system') return;
    const query = matchMedia(DARK_QUERY);
    const follow = () => applyTheme('system');
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, [theme]);

  const setTheme = useCallback((next: ThemeChoice) => {
    setChoice(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // storage disabled: the choice lasts until reload
    }
  }, []);
  const value = useMemo(() => ({ theme, setTheme }), [theme, setTheme]);
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeHandle {
  const handle = useContext(ThemeContext);
  if (!handle) throw new Error('useTheme outside ThemeProvider');
  return handle;
}
