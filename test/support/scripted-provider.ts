import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How the provider answers one request; each test sets its own. */
export type ProviderScript = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void;

export interface ScriptedProvider {
  readonly url: string;
  /** What the gateway sent, in order. */
  readonly received: { path: string; headers: IncomingHttpHeaders; body: string }[];
  answerWith(script: ProviderScript): void;
  close(): Promise<void>;
}

/**
 * A provider that answers whatever the test scripts, byte for byte, to see what the gateway makes
 * of answers no real provider should send (and some do).
 */
export async function startScriptedProvider(): Promise<ScriptedProvider> {
  let script: ProviderScript = (_request, response) => {
    response.writeHead(500).end();
  };
  const received: ScriptedProvider["received"] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      received.push({ path: request.url ?? "", headers: request.headers, body: body.toString("utf8") });
      script(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answerWith: (next) => {
      script = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
