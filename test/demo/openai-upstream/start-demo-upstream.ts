import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { failRequest } from "../mock-server/fail-request.ts";
import type { RecordedRequest } from "../mock-server/recorded-request.ts";
import { type MockServer, type RecordingOptions, startMockServer } from "../mock-server/start-mock-server.ts";
import { ApiError, sendError } from "./api-error.ts";
import { findRoute } from "./route-table.ts";

/**
 * The HTTP server: checks the method, path and API key the way OpenAI does, then hands the body to
 * the route's handler and turns a thrown ApiError into OpenAI's error response. Listening, reading
 * and recording requests is the shared mock-server plumbing.
 */

export interface DemoUpstreamOptions extends RecordingOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (lets tests prove credential injection). */
  apiKey?: string;
}

/** The running demo provider: where it listens, what it received, and how to stop it. */
export interface DemoUpstream extends MockServer {}

// Generous, but bounded so a runaway client cannot exhaust the demo's memory.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function checkAuthorization(headers: IncomingHttpHeaders, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const header = headers.authorization;
  if (header === undefined) {
    throw new ApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    );
  }
  if (header !== `Bearer ${apiKey}`) {
    throw new ApiError(401, "Incorrect API key provided.", null, "invalid_api_key");
  }
}

async function handle(request: RecordedRequest, res: ServerResponse, apiKey?: string): Promise<void> {
  const { method, path, headers, body } = request;
  try {
    if (body.length > MAX_BODY_BYTES) throw new ApiError(413, "Request body too large.");
    const pathname = new URL(path, "http://upstream.invalid").pathname;
    const route = findRoute(pathname);
    if (!route) throw new ApiError(404, `Invalid URL (${method} ${pathname})`);
    if (route.method !== method) throw new ApiError(405, `Invalid method for URL (${method} ${pathname})`);
    checkAuthorization(headers, apiKey);
    await route.handler(body, res);
  } catch (error) {
    const apiError =
      error instanceof ApiError
        ? error
        : new ApiError(
            500,
            "The server had an error while processing your request.",
            null,
            null,
            "server_error",
          );
    failRequest(res, () => sendError(res, apiError));
  }
}

export async function startDemoUpstream(options: DemoUpstreamOptions = {}): Promise<DemoUpstream> {
  return startMockServer({ ...options, maxBodyBytes: MAX_BODY_BYTES }, (request, res) =>
    handle(request, res, options.apiKey),
  );
}
