import type { Params } from './message-format';
import type { MessageKey } from './messages.en';

// The i18n vocabulary without React, so pure helpers (error-text.ts, admin-run.ts) and their
// node-side unit tests need not load the provider (i18n-context.tsx).
export const LANGUAGES = ['en', 'es', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export type { Params };
export type Translate = (key: MessageKey, params?: Params) => string;
