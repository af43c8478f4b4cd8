/** The desktop app's version (shown in About, sent to the sync server). */
export const APP_VERSION = '0.1.0';
