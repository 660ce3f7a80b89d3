import type { ServerResponse } from "node:http";
import { HeaderMap } from "./header-map.ts";

/** The downstream side of one request: what Envoy's HTTP/1 codec writes back to the client. */
export class ClientResponse {
  constructor(
    private readonly res: ServerResponse,
    /** Set when the connection manager copies the request id into every response. */
    private readonly responseRequestId?: string,
  ) {}

  get started(): boolean {
    return this.res.headersSent;
  }

  get gone(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  writeHead(headers: HeaderMap): void {
    if (this.gone || this.started) return;
    const status = Number(headers.get(":status") ?? "200");
    const out = headers.toNodeHeaders();
    // The connection manager overwrites the server header (server_header_transformation OVERWRITE).
    out.server = "envoy";
    // Applied by the connection manager after the encoder filters, so the processor never sees it.
    if (this.responseRequestId !== undefined) out["x-request-id"] = this.responseRequestId;
    this.res.writeHead(Number.isInteger(status) && status >= 100 && status <= 999 ? status : 500, out);
  }

  write(data: Buffer): void {
    if (!this.gone && data.length > 0) this.res.write(data);
  }

  end(data?: Buffer): void {
    if (this.gone) return;
    if (data !== undefined && data.length > 0) this.res.end(data);
    else this.res.end();
  }

  /** Envoy resets the downstream stream; on HTTP/1 that closes the connection mid-response. */
  reset(): void {
    this.res.destroy();
  }

  /** A local reply as Envoy's sendLocalReply builds it; resets instead once the response started. */
  sendLocal(status: number, body: Buffer | string, headers = new HeaderMap()): void {
    if (this.gone) return;
    if (this.started) {
      this.reset();
      return;
    }
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    headers.set(":status", String(status));
    if (bytes.length > 0 && !headers.has("content-type")) headers.set("content-type", "text/plain");
    headers.set("content-length", String(bytes.length));
    this.writeHead(headers);
    this.end(bytes);
  }
}
