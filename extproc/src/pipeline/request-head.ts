import { combinedHeaderValue, type HeaderList, headerValue } from "../protocol/http-exchange.ts";
import { contentEncodingOf } from "./request-body.ts";

/** What the gateway reads from the request's headers, before any body arrives. */
export interface RequestHead {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly contentType: string;
  readonly contentEncoding: string;
}

export function readRequestHead(headers: HeaderList, fallbackRequestId: () => string): RequestHead {
  const rawPath = headerValue(headers, ":path") ?? "";
  const queryAt = rawPath.indexOf("?");
  return {
    requestId: headerValue(headers, "x-request-id") || fallbackRequestId(),
    method: (headerValue(headers, ":method") ?? "").toUpperCase(),
    path: queryAt >= 0 ? rawPath.slice(0, queryAt) : rawPath,
    query: queryAt >= 0 ? rawPath.slice(queryAt + 1) : "",
    // Two lines of either must not read as the first alone: the provider may combine them.
    contentType: (combinedHeaderValue(headers, "content-type") ?? "").toLowerCase(),
    contentEncoding: contentEncodingOf(headers),
  };
}
