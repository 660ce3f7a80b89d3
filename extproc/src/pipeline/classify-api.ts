import { type HeaderList, headerValue } from "../protocol/http-exchange.ts";
import type { GatewayError } from "./gateway-errors.ts";
import { readGeminiPath } from "./gemini-model-path.ts";
import type { ApiKind } from "./policy-input.ts";

/**
 * Exact method and path only: a path the gateway does not know byte for byte (a trailing slash,
 * a doubled slash, another case) is `unknown`, and the policy denies unknown APIs by default.
 */
const KNOWN_APIS: ReadonlyMap<string, ApiKind> = new Map([
  ["POST /v1/chat/completions", "openai.chat_completions"],
  ["POST /v1/completions", "openai.completions"],
  ["POST /v1/embeddings", "openai.embeddings"],
  ["POST /v1/messages", "anthropic.messages"],
]);

/** The API a request speaks, and for APIs that name the model in the path (Gemini), that model. */
export interface ApiClassification {
  readonly api: ApiKind;
  readonly pathModel: string | undefined;
  /** GET /v1/models/{id}: the one model the caller asks about, answered from the policy's listing. */
  readonly listedModel?: string | undefined;
  /** A path the gateway refuses to interpret (see gemini-model-path.ts); answered before identity. */
  readonly problem: GatewayError | undefined;
}

/**
 * The API whose error shape a refusal takes: the request's own, or for a request the gateway does
 * not serve, the API of the SDK that evidently sent it (Anthropic's sends `anthropic-version`,
 * Google's `x-goog-api-key` or a `/v1beta/` path), so that its SDK can read the refusal too.
 */
export function errorShapeApi(classification: ApiClassification, path: string, headers: HeaderList): ApiKind {
  if (classification.api !== "unknown") return classification.api;
  if (headerValue(headers, "anthropic-version") !== undefined) return "anthropic.messages";
  if (headerValue(headers, "x-goog-api-key") !== undefined || path.startsWith("/v1beta/")) {
    return "gemini.generate_content";
  }
  return "unknown";
}

export function classifyApi(
  method: string,
  path: string,
  query: string,
  headers: HeaderList,
): ApiClassification {
  const known = KNOWN_APIS.get(`${method} ${path}`);
  if (known) return { api: known, pathModel: undefined, problem: undefined };
  if (method === "GET") return classifyListing(path, headers);
  const gemini = method === "POST" ? readGeminiPath(path, query) : undefined;
  if (!gemini) return { api: "unknown", pathModel: undefined, problem: undefined };
  if (!gemini.ok) {
    // Still a Gemini caller: its refusal goes out in Gemini's error shape.
    const api = /:streamgeneratecontent/i.test(path)
      ? "gemini.stream_generate_content"
      : "gemini.generate_content";
    return { api, pathModel: undefined, problem: gemini.error };
  }
  return { api: gemini.value.api, pathModel: gemini.value.model, problem: undefined };
}

const LISTING_APIS: ReadonlySet<ApiKind> = new Set(["openai.models", "anthropic.models", "gemini.models"]);

/** The model listings the gateway answers itself, from the policy's decision. */
export function isListingApi(api: ApiKind): boolean {
  return LISTING_APIS.has(api);
}

/** APIs whose request body is a model request and must be parsed before the policy can decide. */
export function apiHasModelBody(api: ApiKind): boolean {
  return !isListingApi(api) && api !== "unknown";
}

/**
 * A model id in a listing path: one segment, nothing a path reader could split or decode. OpenAI's
 * fine-tuned ids hold colons (`ft:gpt-4o-mini:org::id`); on Gemini a colon starts a method.
 */
const LISTED_MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const GEMINI_LISTED_MODEL_ID = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * `GET /v1/models` is the same path in OpenAI's, Anthropic's and Gemini's APIs (the @google/genai
 * SDK defaults to v1), so the caller's SDK is told apart by the header only it sends; the answer
 * is the gateway's own, so a wrong guess costs the caller a shape, never a policy check.
 */
function classifyListing(path: string, headers: HeaderList): ApiClassification {
  const listing = (api: ApiKind, listedModel?: string): ApiClassification => ({
    api,
    pathModel: undefined,
    listedModel,
    problem: undefined,
  });
  const sdkListing: ApiKind =
    headerValue(headers, "x-goog-api-key") !== undefined
      ? "gemini.models"
      : headerValue(headers, "anthropic-version") !== undefined
        ? "anthropic.models"
        : "openai.models";
  if (path === "/v1/models") return listing(sdkListing);
  if (path === "/v1beta/models") return listing("gemini.models");
  for (const [prefix, api] of [
    ["/v1/models/", sdkListing],
    ["/v1beta/models/", "gemini.models"],
  ] as const) {
    if (!path.startsWith(prefix)) continue;
    const id = path.slice(prefix.length);
    const pattern = api === "gemini.models" ? GEMINI_LISTED_MODEL_ID : LISTED_MODEL_ID;
    if (pattern.test(id)) return listing(api, id);
  }
  return { api: "unknown", pathModel: undefined, problem: undefined };
}
