/**
 * Brute-force protection for sign-in (rate-limiter-flexible): a user name from one address is
 * locked for 15 minutes after 5 failed attempts in a row, and an address after 50 failures in an
 * hour, whichever user names it tries. A success clears the user name's count. Counted on the
 * store given (the auth database on PostgreSQL), so the lock holds at every gateway.
 */
import { RateLimiterRes } from "rate-limiter-flexible";
import { memoryRateLimitStore, type RateLimitStore } from "../security/rateLimiters.js";

export interface LoginThrottleOptions {
  maxConsecutiveFailures?: number;
  lockSeconds?: number;
  maxFailuresPerIpPerHour?: number;
}

export interface LoginThrottle {
  /** Takes an attempt for `username` from `ip`: 0 when it may go ahead, else the seconds to wait. */
  attempt(username: string, ip: string): Promise<number>;
  failed(ip: string): Promise<void>;
  succeeded(username: string, ip: string): Promise<void>;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function createLoginThrottle(options: LoginThrottleOptions = {}, store: RateLimitStore = memoryRateLimitStore()): LoginThrottle {
  const maxConsecutive = options.maxConsecutiveFailures ?? 5;
  const maxPerIp = options.maxFailuresPerIpPerHour ?? 50;
  // Every attempt takes a point before the password is checked (so parallel guesses cannot slip
  // past the count) and a success gives them back: the points left are consecutive failures.
  const byUserAndIp = store.limiter({
    keyPrefix: "login-user-ip",
    points: maxConsecutive,
    duration: 3600,
    blockDuration: options.lockSeconds ?? 15 * 60,
  });
  const byIp = store.limiter({ keyPrefix: "login-ip", points: maxPerIp, duration: 3600 });
  const key = (username: string, ip: string) => `${username}|${ip}`;
  return {
    async attempt(username, ip) {
      const ipCount = await byIp.get(ip);
      if (ipCount && ipCount.consumedPoints >= maxPerIp) return seconds(ipCount.msBeforeNext);
      try {
        await byUserAndIp.consume(key(username, ip));
        return 0;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return seconds(rejection.msBeforeNext);
        throw rejection;
      }
    },
    async failed(ip) {
      await byIp.consume(ip).catch((rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
      });
    },
    async succeeded(username, ip) {
      await byUserAndIp.delete(key(username, ip));
    },
  };
}
