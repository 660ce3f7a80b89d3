import { fail, ok, type Result } from "./gateway-errors.ts";

/**
 * Gemini names the model in the URL: `POST /v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent?alt=sse`, or the same under `/v1/` (the @google/genai SDK's default
 * version; the gateway sends every attempt to v1beta, which serves all that v1 does). The policy
 * judges that model, so the gateway must read it exactly as Gemini would. Anything two readers could read differently is refused with a 400
 * rather than guessed at: percent-encoding (`%2F`, `%3A`), dot segments, extra segments, letters
 * in upper case (Gemini's ids are lower case), and any query parameter but the stream's `alt=sse`;
 * above all `key=`, which would carry the gateway key in the URL towards the provider.
 */
export type GeminiApi = "gemini.generate_content" | "gemini.stream_generate_content";

export interface GeminiCall {
  readonly api: GeminiApi;
  readonly model: string;
}

const MODELS_PREFIXES = ["/v1beta/models/", "/v1/models/"];
const METHODS: Readonly<Record<string, GeminiApi>> = {
  generateContent: "gemini.generate_content",
  streamGenerateContent: "gemini.stream_generate_content",
};
/** A Gemini model id as the API spells them: lower case, no separators that could mean a path. */
const GEMINI_MODEL_ID = /^[a-z0-9][a-z0-9._-]*$/;
/** The method a Gemini resource path ends with, after the last colon. */
const METHOD_SUFFIX = /:([A-Za-z]+)$/;

/**
 * The call a `POST` path names, a refusal for a Gemini model path the gateway will not guess at,
 * or undefined when the path is not a generate call (another Gemini method is an unknown API).
 */
export function readGeminiPath(path: string, query: string): Result<GeminiCall> | undefined {
  const prefix = MODELS_PREFIXES.find((candidate) => path.startsWith(candidate));
  if (prefix === undefined) return undefined;
  if (path.includes("%")) return invalid(path, "percent-encoded characters");
  const rest = path.slice(prefix.length);
  const suffix = METHOD_SUFFIX.exec(rest);
  const api = suffix?.[1] === undefined ? undefined : METHODS[suffix[1]];
  if (!api || !suffix) {
    // What some reader could still take for a generate call is refused, not passed on as an
    // unknown API: a method in another case, or more path after the method.
    if (/:(stream)?generatecontent($|\/)/i.test(rest))
      return invalid(path, "a generate method spelt otherwise");
    return undefined;
  }
  const model = rest.slice(0, rest.length - suffix[0].length);
  if (model.includes("/")) return invalid(path, "more than one path segment for the model");
  if (model === "" || model.startsWith(".")) return invalid(path, "an empty or dot model segment");
  if (!GEMINI_MODEL_ID.test(model)) {
    return invalid(path, "a model id other than lower-case letters, digits, '.', '-' and '_'");
  }
  const queryProblem = queryRefusal(api, query);
  if (queryProblem) return fail("model_path_invalid", queryProblem, { param: "query" });
  return ok({ api, model });
}

function invalid(path: string, what: string): Result<never> {
  const shown = path.length > 160 ? `${path.slice(0, 160)}...` : path;
  return fail(
    "model_path_invalid",
    `the Gemini path '${shown}' has ${what}; send POST /v1beta/models/{model}:generateContent (or /v1/models/...) or :streamGenerateContent?alt=sse with a plain model id`,
    { param: "model" },
  );
}

function queryRefusal(api: GeminiApi, query: string): string | undefined {
  const names = query === "" ? [] : query.split("&").map((pair) => pair.split("=")[0] ?? "");
  if (names.some((name) => name.toLowerCase() === "key")) {
    return "the API key must not be sent in the URL ('key=' query parameter): send it in the x-goog-api-key header";
  }
  // `k%65y` is `key` to a reader that decodes names: refused like it.
  if (names.some((name) => name.includes("%")))
    return "percent-encoded query parameter names are not accepted";
  if (api === "gemini.stream_generate_content") {
    return query === "alt=sse"
      ? undefined
      : "streamGenerateContent is served as server-sent events only: the query must be exactly 'alt=sse'";
  }
  return query === "" ? undefined : "generateContent takes no query parameters";
}
