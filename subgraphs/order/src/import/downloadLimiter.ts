/**
 * How many CSV downloads one identity runs at once. A download holds a database reader and a
 * file for as long as the client reads; without a bound, one user opening dozens would take
 * the service's time from everyone. Counted in this process (one order service per database).
 */

export interface DownloadLimiter {
  readonly max: number;
  /** A slot for `owner`, or null when it already runs `max` downloads; call the result to free it (once). */
  acquire(owner: string): (() => void) | null;
  /** Downloads running now for `owner`. */
  running(owner: string): number;
}

export function createDownloadLimiter(max: number): DownloadLimiter {
  const counts = new Map<string, number>();
  return {
    max,
    acquire(owner) {
      const now = counts.get(owner) ?? 0;
      if (now >= max) return null;
      counts.set(owner, now + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (counts.get(owner) ?? 1) - 1;
        if (left > 0) counts.set(owner, left);
        else counts.delete(owner);
      };
    },
    running: (owner) => counts.get(owner) ?? 0,
  };
}
