import { useEffect, useRef } from 'react';
import { useApi } from '../api/api-context';
import { isSessionError } from '../api/types';

/** At most one `session.touch` per this interval while the person is active. */
export const TOUCH_EVERY_MS = 30_000;
const CHECK_EVERY_MS = 5_000;
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Idle lock, seen from the window: activity is reported to the core (throttled), and when the
 * person has done nothing here for the policy's idle time the window locks the session itself
 * instead of showing staff data until the next poll. The core keeps its own idle timer on its
 * monotonic clock and locks regardless of what this window says; this only makes the lock
 * prompt, and cannot postpone it (the core only counts activity it is told about).
 */
export function useIdleLock(
  active: boolean,
  idleLockMinutes: number,
  onSessionChanged: () => void,
): void {
  const api = useApi();
  const lastActivity = useRef(Date.now());
  const lastTouch = useRef(Date.now());
  const changed = useRef(onSessionChanged);
  changed.current = onSessionChanged;

  // Idle time counts from the last activity or unlock, not from a policy change: a shorter idle
  // time read mid-session locks when the person has been idle that long already.
  useEffect(() => {
    if (!active) return;
    lastActivity.current = Date.now();
    lastTouch.current = Date.now();
  }, [active]);

  useEffect(() => {
    if (!active) return;
    const idleMs = idleLockMinutes * 60_000;
    let locking = false;

    const onActivity = () => {
      const now = Date.now();
      lastActivity.current = now;
      if (now - lastTouch.current < TOUCH_EVERY_MS) return;
      lastTouch.current = now;
      void api.session.touch({}).then((r) => {
        if (!r.ok && isSessionError(r.error)) changed.current();
        // The policy's idle time changed since this window read it: read the session again.
        else if (r.ok && r.data.idleLockMinutes !== idleLockMinutes) changed.current();
      });
    };
    // While nobody touches this window, the session is read (not touched) now and then: a
    // policy changed since sign-in (edited here or pulled from the server) applies at once,
    // and a session the core locked or ended shows so without waiting for a click.
    let lastLook = Date.now();
    const check = () => {
      const now = Date.now();
      if (!locking && now - lastActivity.current >= idleMs) {
        locking = true;
        void api.session.lock({ reason: 'idle' }).then(() => changed.current());
        return;
      }
      if (locking || now - lastLook < TOUCH_EVERY_MS) return;
      lastLook = now;
      void api.app.state({}).then((r) => {
        const s = r.ok ? r.data.session : null;
        if (!s || s.state !== 'active' || s.idleLockMinutes !== idleLockMinutes) changed.current();
      });
    };

    for (const type of ACTIVITY_EVENTS)
      window.addEventListener(type, onActivity, { capture: true, passive: true });
    const timer = setInterval(check, CHECK_EVERY_MS);
    return () => {
      for (const type of ACTIVITY_EVENTS)
        window.removeEventListener(type, onActivity, { capture: true });
      clearInterval(timer);
    };
  }, [active, idleLockMinutes, api]);
}
