import type { IncomingHttpHeaders } from "node:http";

/** One request as a mock provider received it, kept so tests can assert what the gateway really sent. */
export interface RecordedRequest {
  method: string;
  /** Path including the query string, as it arrived. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
