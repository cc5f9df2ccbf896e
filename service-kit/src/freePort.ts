import net from "node:net";

/**
 * A port nothing listens on right now on `host` (the OS picks it). Another process may take it
 * before the caller binds: callers that cannot retry pin it at once.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
