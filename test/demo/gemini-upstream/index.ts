/**
 * A small Gemini API provider for tests: `POST /v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent` (SSE with `alt=sse`, a JSON array without). It refuses what Gemini
 * refuses (unknown fields, empty contents, roles other than user/model, a missing or wrong API key)
 * in Google's error shape, answers with realistic bodies, streams, function calls and usage, and
 * fails on purpose for model names containing "fail-503", "fail-429" or "fail-cut".
 */
export type { RecordedRequest } from "../mock-server/recorded-request.ts";
export {
  type GeminiUpstream,
  type GeminiUpstreamOptions,
  startGeminiUpstream,
} from "./start-gemini-upstream.ts";
