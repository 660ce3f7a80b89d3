import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { failRequest } from "../mock-server/fail-request.ts";
import type { RecordedRequest } from "../mock-server/recorded-request.ts";
import { type MockServer, type RecordingOptions, startMockServer } from "../mock-server/start-mock-server.ts";
import { checkModel, type GenerateCall, generateContent } from "./generate-content.ts";
import { errorInfo, GoogleApiError, sendGoogleError } from "./google-error.ts";

/**
 * The HTTP server: checks what Gemini checks, in its order (path and method, API key, model) before
 * the body, and turns a thrown GoogleApiError into Google's error answer. Listening, reading and
 * recording requests is the shared mock-server plumbing.
 */

export interface GeminiUpstreamOptions extends RecordingOptions {
  /** When set, requests must carry it in `x-goog-api-key` or the `key` query parameter. */
  apiKey?: string;
}

/** The running Gemini mock: where it listens, what it received, and how to stop it. */
export interface GeminiUpstream extends MockServer {}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const ROUTE = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

function checkApiKey(headers: IncomingHttpHeaders, url: URL, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const header = headers["x-goog-api-key"];
  const given = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("key") ?? undefined;
  if (given === undefined || given === "") {
    throw new GoogleApiError(
      "PERMISSION_DENIED",
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    );
  }
  // Google answers a wrong key with 400 INVALID_ARGUMENT and reason API_KEY_INVALID, not 401.
  if (given !== apiKey) {
    throw new GoogleApiError("INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
      errorInfo("API_KEY_INVALID"),
    ]);
  }
}

function route(method: string, url: URL): GenerateCall {
  const match = ROUTE.exec(url.pathname);
  if (!match?.[1] || !match[2] || method !== "POST") {
    throw new GoogleApiError("NOT_FOUND", `The requested URL ${url.pathname} was not found on this server.`);
  }
  return {
    model: decodeURIComponent(match[1]),
    stream: match[2] === "streamGenerateContent",
    sse: url.searchParams.get("alt") === "sse",
  };
}

async function handle(request: RecordedRequest, res: ServerResponse, apiKey?: string): Promise<void> {
  const { method, path, headers, body } = request;
  try {
    if (body.length > MAX_BODY_BYTES)
      throw new GoogleApiError("INVALID_ARGUMENT", "Request payload size exceeds the limit.");
    const url = new URL(path, "http://upstream.invalid");
    const call = route(method, url);
    checkApiKey(headers, url, apiKey);
    checkModel(call.model, call.stream ? "streamGenerateContent" : "generateContent");
    await generateContent(body, res, call);
  } catch (error) {
    const apiError =
      error instanceof GoogleApiError
        ? error
        : new GoogleApiError("INTERNAL", "An internal error has occurred.");
    failRequest(res, () => sendGoogleError(res, apiError));
  }
}

export async function startGeminiUpstream(options: GeminiUpstreamOptions = {}): Promise<GeminiUpstream> {
  return startMockServer({ ...options, maxBodyBytes: MAX_BODY_BYTES }, (request, res) =>
    handle(request, res, options.apiKey),
  );
}
