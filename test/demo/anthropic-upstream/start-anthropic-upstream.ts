import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { failRequest } from "../mock-server/fail-request.ts";
import type { RecordedRequest } from "../mock-server/recorded-request.ts";
import { type MockServer, type RecordingOptions, startMockServer } from "../mock-server/start-mock-server.ts";
import { AnthropicApiError, invalidRequest, sendError } from "./api-error.ts";
import { anthropicId } from "./ids.ts";
import { createMessage } from "./messages-handler.ts";

/**
 * The HTTP server: checks the path, method, API key and anthropic-version header the way Anthropic
 * does, then hands the body to the Messages handler and turns a thrown AnthropicApiError into
 * Anthropic's error response. Listening, reading and recording requests is the shared mock-server
 * plumbing.
 */

export interface AnthropicUpstreamOptions extends RecordingOptions {
  /** When set, requests must carry `x-api-key: <apiKey>` (lets tests prove credential injection). */
  apiKey?: string;
}

/** The running Anthropic mock: where it listens, what it received, and how to stop it. */
export interface AnthropicUpstream extends MockServer {}

// Anthropic's own limit for a Messages request body.
const MAX_BODY_BYTES = 32 * 1024 * 1024;

function checkHeaders(headers: IncomingHttpHeaders, apiKey: string | undefined): void {
  if (apiKey !== undefined) {
    // Anthropic takes the key as x-api-key; recent official SDKs send it as a bearer token instead.
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1];
    const key = headers["x-api-key"] ?? bearer;
    if (key === undefined)
      throw new AnthropicApiError(401, "authentication_error", "x-api-key header is required");
    if (key !== apiKey) throw new AnthropicApiError(401, "authentication_error", "invalid x-api-key");
  }
  if (headers["anthropic-version"] === undefined)
    throw invalidRequest("anthropic-version: header is required");
}

async function handle(request: RecordedRequest, res: ServerResponse, apiKey?: string): Promise<void> {
  const { method, path, headers, body } = request;
  const requestId = anthropicId("req");
  try {
    if (body.length > MAX_BODY_BYTES)
      throw new AnthropicApiError(
        413,
        "request_too_large",
        "Request exceeds the maximum allowed number of bytes.",
      );
    const pathname = new URL(path, "http://upstream.invalid").pathname;
    if (pathname !== "/v1/messages") throw new AnthropicApiError(404, "not_found_error", "Not Found");
    if (method !== "POST") throw new AnthropicApiError(405, "invalid_request_error", "Method Not Allowed");
    checkHeaders(headers, apiKey);
    await createMessage(body, res, requestId);
  } catch (error) {
    const apiError =
      error instanceof AnthropicApiError
        ? error
        : new AnthropicApiError(500, "api_error", "Internal server error");
    failRequest(res, () => sendError(res, apiError, requestId));
  }
}

export async function startAnthropicUpstream(
  options: AnthropicUpstreamOptions = {},
): Promise<AnthropicUpstream> {
  return startMockServer({ ...options, maxBodyBytes: MAX_BODY_BYTES }, (request, res) =>
    handle(request, res, options.apiKey),
  );
}
