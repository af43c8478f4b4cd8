import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/api-client';
import { StepUpApiProvider } from './api/step-up';
import { App } from './app';
import { I18nProvider, initialLanguage, loadDictionary } from './i18n/i18n-context';
import { ThemeProvider, applyTheme, savedTheme } from './theme/theme-context';
import './styles/app.css';

// Before the first paint: the saved theme (no flash of the wrong colours).
applyTheme(savedTheme());

const api = createApi();
// The printed address pasted into a tab that is already open: start again with its token.
window.addEventListener('hashchange', () => {
  if (/(?:^#|&)token=/.test(window.location.hash)) window.location.reload();
});
const root = document.getElementById('root');
// The saved language's words before the first paint (only English is in this bundle).
void loadDictionary(initialLanguage()).then(() => {
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <ThemeProvider>
        <I18nProvider>
          <StepUpApiProvider api={api}>
            <App />
          </StepUpApiProvider>
        </I18nProvider>
      </ThemeProvider>
    </StrictMode>,
  );
});
