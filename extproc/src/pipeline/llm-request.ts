import { z } from "zod";
import { fail, ok, type Result } from "./gateway-errors.ts";
import { invalid } from "./invalid-body.ts";
import { isObject } from "./json-object.ts";
import { summarizeAnthropicRequest, summarizeGeminiRequest } from "./native-request-summary.ts";
import type { ApiKind, LlmRequestSummary } from "./policy-input.ts";
import { tokenCount } from "./token-count.ts";

/**
 * Reads what the policy needs from a request body (OpenAI-style here, native ones beside). Only
 * the members the gateway relies on are checked, with the types OpenAI itself enforces; everything
 * else passes to the provider untouched. A wrong type is refused here rather than read one way by
 * the gateway and another way by the provider.
 */
const optionalFlag = z.boolean().nullable().optional();
const optionalCount = tokenCount().nonnegative().nullable().optional();

const ChatCompletionBody = z.looseObject({
  model: z.string(),
  messages: z.array(z.unknown()).min(1),
  stream: optionalFlag,
  max_tokens: optionalCount,
  max_completion_tokens: optionalCount,
  tools: z.array(z.unknown()).nullable().optional(),
});

const CompletionBody = z.looseObject({
  model: z.string(),
  prompt: z.unknown(),
  stream: optionalFlag,
  max_tokens: optionalCount,
});

const EmbeddingBody = z.looseObject({
  model: z.string(),
  input: z.union([z.string(), z.array(z.unknown()).min(1)]),
});

/**
 * `pathModel` is the model the path names (Gemini); the other APIs name it in the body. Native
 * bodies are read by native-request-summary.ts.
 */
export function summarizeLlmRequest(
  api: ApiKind,
  body: unknown,
  pathModel?: string,
): Result<LlmRequestSummary> {
  if (!isObject(body)) return fail("body_not_object", "request body must be a JSON object");
  if (api === "gemini.generate_content" || api === "gemini.stream_generate_content") {
    if (pathModel === undefined) return fail("model_path_invalid", "the Gemini path names no model");
    return summarizeGeminiRequest(api, body, pathModel);
  }
  if (!("model" in body) || body.model === undefined) {
    return fail("model_missing", "request body must name a model in 'model'", { param: "model" });
  }
  if (typeof body.model !== "string") {
    return fail("model_invalid", "'model' must be a string", { param: "model" });
  }
  switch (api) {
    case "openai.chat_completions": {
      const parsed = ChatCompletionBody.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      const { model, messages, stream, max_completion_tokens, max_tokens, tools } = parsed.data;
      return ok({
        model,
        stream: stream === true,
        max_tokens: max_completion_tokens ?? max_tokens ?? null,
        message_count: messages.length,
        tool_count: tools?.length ?? 0,
      });
    }
    case "openai.completions": {
      const parsed = CompletionBody.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      const { model, stream, max_tokens } = parsed.data;
      return ok({
        model,
        stream: stream === true,
        max_tokens: max_tokens ?? null,
        message_count: 0,
        tool_count: 0,
      });
    }
    case "openai.embeddings": {
      const parsed = EmbeddingBody.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      return ok({
        model: parsed.data.model,
        stream: false,
        max_tokens: null,
        message_count: 0,
        tool_count: 0,
      });
    }
    case "anthropic.messages":
      return summarizeAnthropicRequest(body);
    default:
      return fail("invalid_request", `the ${api} API carries no model request`);
  }
}
