import { BodyBuffer } from "./body-buffer.ts";
import { HeaderMap } from "./header-map.ts";
import type { ResponseSource } from "./router.ts";

/**
 * A local reply as Envoy's sendLocalReply builds it, as a response about to enter the downstream
 * encoder filters (router errors, and local replies of upstream filters, which Envoy hands to the
 * downstream filter manager).
 */
export function localReplySource(
  status: number,
  body: Buffer | string,
  requestMethod: string,
  headers = new HeaderMap(),
): ResponseSource {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  headers.set(":status", String(status));
  if (bytes.length > 0 && !headers.has("content-type")) headers.set("content-type", "text/plain");
  headers.set("content-length", String(bytes.length));
  const noBody = bytes.length === 0 || requestMethod === "HEAD";
  return { headers, noBody, body: BodyBuffer.fixed(noBody ? Buffer.alloc(0) : bytes), abort: () => {} };
}
