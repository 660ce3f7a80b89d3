import { z } from "zod";
import { ok, type Result } from "./gateway-errors.ts";
import { invalid } from "./invalid-body.ts";
import type { LlmRequestSummary } from "./policy-input.ts";
import { tokenCount } from "./token-count.ts";

/**
 * Reads what the policy needs from the native APIs' bodies: Anthropic's Messages request and
 * Gemini's GenerateContentRequest. As for OpenAI, only what the gateway relies on is checked (the
 * summary, and the shape the PII walkers read), with the types the provider itself enforces;
 * everything else passes to the provider untouched.
 */

const AnthropicBlock = z.looseObject({ type: z.string() });
const AnthropicMessage = z.looseObject({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(AnthropicBlock)]),
});
const AnthropicMessagesBody = z.looseObject({
  model: z.string(),
  messages: z.array(AnthropicMessage).min(1),
  // Anthropic requires max_tokens: there is no default limit to fall back on.
  max_tokens: tokenCount().min(1),
  stream: z.boolean().optional(),
  system: z.union([z.string(), z.array(AnthropicBlock)]).optional(),
  tools: z.array(z.unknown()).optional(),
});

/** `model` was checked by llm-request.ts, as for every API that names the model in the body. */
export function summarizeAnthropicRequest(body: object): Result<LlmRequestSummary> {
  const parsed = AnthropicMessagesBody.safeParse(body);
  if (!parsed.success) return invalid(parsed.error);
  const { model, messages, stream, max_tokens, tools } = parsed.data;
  return ok({
    model,
    stream: stream === true,
    max_tokens,
    message_count: messages.length,
    tool_count: tools?.length ?? 0,
  });
}

/**
 * Google's JSON reader also accepts each field under its proto (snake_case) name. A body that
 * spelt `system_instruction` or `function_call` would be read by Gemini but not by the gateway's
 * PII walker, so only the lowerCamelCase names Google's own SDKs send are accepted.
 */
function camelCaseOnly(snakeNames: readonly string[]) {
  return Object.fromEntries(
    snakeNames.map((name) => [
      name,
      z.undefined({
        error: `Gemini fields are accepted in lowerCamelCase only ('${name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())}')`,
      }),
    ]),
  );
}

const GeminiPart = z.looseObject({
  text: z.string().optional(),
  ...camelCaseOnly(["inline_data", "file_data", "function_call", "function_response", "executable_code"]),
});
const GeminiContent = z.looseObject({ role: z.string().optional(), parts: z.array(GeminiPart) });
const GeminiTool = z.looseObject({
  functionDeclarations: z.array(z.unknown()).optional(),
  ...camelCaseOnly(["function_declarations"]),
});
const GeminiGenerateContentBody = z.looseObject({
  // The model is the path's: a second one in the body could be read in its place.
  model: z.undefined({ error: "the model is named in the path, not in the body" }),
  contents: z.array(GeminiContent).min(1),
  systemInstruction: GeminiContent.optional(),
  tools: z.array(GeminiTool).optional(),
  generationConfig: z
    .looseObject({
      maxOutputTokens: tokenCount().nonnegative().optional(),
      ...camelCaseOnly(["max_output_tokens"]),
    })
    .optional(),
  ...camelCaseOnly([
    "system_instruction",
    "generation_config",
    "tool_config",
    "safety_settings",
    "cached_content",
  ]),
});

export function summarizeGeminiRequest(
  api: "gemini.generate_content" | "gemini.stream_generate_content",
  body: object,
  model: string,
): Result<LlmRequestSummary> {
  const parsed = GeminiGenerateContentBody.safeParse(body);
  if (!parsed.success) return invalid(parsed.error);
  const { contents, tools, generationConfig } = parsed.data;
  return ok({
    model,
    stream: api === "gemini.stream_generate_content",
    max_tokens: generationConfig?.maxOutputTokens ?? null,
    message_count: contents.length,
    // A tool entry offers its function declarations, or one built-in tool (code execution, search).
    tool_count: (tools ?? []).reduce((sum, tool) => sum + (tool.functionDeclarations?.length ?? 1), 0),
  });
}
