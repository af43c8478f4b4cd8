/**
 * Main's log: one line per event on stderr, which the OS service manager or the launcher
 * captures. Messages are ours; details are errors or URLs, never request payloads (they may
 * hold passwords), never secrets.
 */
export interface MainLog {
  info(message: string): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

function line(level: string, message: string, detail?: unknown): string {
  const suffix =
    detail === undefined
      ? ''
      : ` ${detail instanceof Error ? (detail.stack ?? detail.message) : String(detail)}`;
  return `${new Date().toISOString()} ${level} ${message}${suffix}`;
}

export function createMainLog(write: (text: string) => void = (t) => console.error(t)): MainLog {
  return {
    info: (message) => write(line('INFO', message)),
    warn: (message, detail) => write(line('WARN', message, detail)),
    error: (message, detail) => write(line('ERROR', message, detail)),
  };
}
