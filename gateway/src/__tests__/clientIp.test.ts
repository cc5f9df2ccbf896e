import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientIp } from "../security/requestGuard.js";

const request = (peer: string, forwardedFor?: string | string[]) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } }) as unknown as IncomingMessage;

describe("clientIp", () => {
  it("is the TCP peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(clientIp(request("203.0.113.9", "198.51.100.1"))).toBe("203.0.113.9");
  });

  it("behind one trusted balancer is the address it appended, not what the client wrote before it", () => {
    // The client forged "10.0.0.1"; nginx appended the real address it saw.
    expect(clientIp(request("127.0.0.1", "10.0.0.1, 198.51.100.7"), 1)).toBe("198.51.100.7");
    expect(clientIp(request("127.0.0.1", ["10.0.0.1", "198.51.100.7"]), 1)).toBe("198.51.100.7");
  });

  it("behind two balancers counts two hops back, and falls back to the peer without a header", () => {
    expect(clientIp(request("10.1.1.1", "198.51.100.7, 10.2.2.2"), 2)).toBe("198.51.100.7");
    expect(clientIp(request("127.0.0.1"), 1)).toBe("127.0.0.1");
  });
});
