import { useEffect, useState } from 'react';
import { timeLeft } from './countdown';

/**
 * Milliseconds left until `deadline` (a Date.now() value), updated every second; 0 once passed.
 * null in, null out.
 */
export function useCountdown(deadline: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === null) return;
    setNow(Date.now());
    const timer = setInterval(() => {
      const t = Date.now();
      setNow(t);
      if (timeLeft(deadline, t) === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  return timeLeft(deadline, now);
}
