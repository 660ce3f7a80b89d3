import { createServer } from "node:net";

/**
 * A loopback port nothing listens on right now (the OS picks it; a race is possible but rare):
 * a port to start a server on, or an address whose connections are refused, as a provider that
 * is down refuses them.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
