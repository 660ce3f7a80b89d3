import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "./read-body.ts";
import type { RecordedRequest } from "./recorded-request.ts";

/**
 * The plumbing every mock provider shares: listen, read and record each request, hand it to the
 * provider's handler, and close promptly. What a provider checks and answers stays in its folder.
 */

/** Where a mock listens: port 0 (the default) takes a free port, host defaults to loopback. */
export interface ListenOptions {
  port?: number;
  host?: string;
}

export interface RecordingOptions extends ListenOptions {
  /** Defaults to true; a long-running demo turns it off so memory stays flat. */
  record?: boolean;
}

export interface MockServerOptions extends RecordingOptions {
  maxBodyBytes: number;
}

export interface MockServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Gets the request with its body read; a rejection drops the connection, as a crashed provider would. */
export type MockHandler = (request: RecordedRequest, res: ServerResponse) => Promise<void>;

function urlHost(host: string): string {
  // A wildcard bind is reachable on loopback; IPv6 literals need brackets in a URL.
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startMockServer(options: MockServerOptions, handle: MockHandler): Promise<MockServer> {
  const host = options.host ?? "127.0.0.1";
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const receive = async (): Promise<void> => {
      const body = await readBody(req, options.maxBodyBytes);
      const request = { method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body };
      if (options.record !== false) requests.push(request);
      await handle(request, res);
    };
    receive().catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (SDK clients pool them) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
