import type { Translated } from "../../../pipeline/provider-translation.ts";
import type { OpenAiChatRequest } from "../openai-chat-request.ts";
import { translated } from "../translation-result.ts";
import type { GeminiGenerationConfig } from "./gemini-request-types.ts";
import { jsonSchemaToGemini } from "./json-schema-to-gemini.ts";

/**
 * Sampling, limits and output format → Gemini `generationConfig`. `n` becomes candidateCount
 * (Gemini answers one candidate per choice); max_completion_tokens wins over the older max_tokens,
 * as at OpenAI. json_object → JSON MIME type; json_schema → JSON MIME type plus the schema in
 * Gemini's OpenAPI subset (422 when it uses a keyword that subset lacks).
 */

function outputFormat(request: OpenAiChatRequest): Translated<GeminiGenerationConfig> {
  const format = request.response_format ?? undefined;
  if (format === undefined || format.type === "text") return translated({});
  if (format.type === "json_object" || format.json_schema.schema === undefined) {
    return translated({ responseMimeType: "application/json" });
  }
  const schema = jsonSchemaToGemini(format.json_schema.schema, "response_format.json_schema.schema");
  if (!schema.ok) return schema;
  return translated({ responseMimeType: "application/json", responseSchema: schema.value });
}

export function openAiGenerationConfig(request: OpenAiChatRequest): Translated<GeminiGenerationConfig> {
  const format = outputFormat(request);
  if (!format.ok) return format;
  const config: GeminiGenerationConfig = { ...format.value };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  if (request.stop != null)
    config.stopSequences = typeof request.stop === "string" ? [request.stop] : request.stop;
  if (request.n != null) config.candidateCount = request.n;
  if (request.seed != null) config.seed = request.seed;
  if (request.presence_penalty != null) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) config.frequencyPenalty = request.frequency_penalty;
  return translated(config);
}
