import type { ProviderRequest, Translated } from "../../../pipeline/provider-translation.ts";
import { OpenAiChatRequest } from "../openai-chat-request.ts";
import { invalidRequest, issueParam, translated } from "../translation-result.ts";
import { geminiPath, isGeminiModelId } from "./gemini-path.ts";
import type { GeminiRequest } from "./gemini-request-types.ts";
import { openAiMessagesToGemini } from "./openai-to-gemini-contents.ts";
import { openAiGenerationConfig } from "./openai-to-gemini-generation-config.ts";
import { openAiToolsToGemini } from "./openai-to-gemini-tools.ts";
import { unsupported } from "./translation-failures.ts";
import { rejectUnsupportedFeatures } from "./unsupported-openai-features.ts";

/**
 * An OpenAI Chat Completions body → the Gemini API request for `model`:
 * `POST /v1beta/models/{model}:generateContent`, or `:streamGenerateContent?alt=sse` when the
 * caller asked for a stream. The API key header is added by whoever sends the request.
 */

export function openAiChatToGemini(body: unknown, model: string): Translated<ProviderRequest> {
  if (!isGeminiModelId(model)) return unsupported(`the model name '${model}'`, "model");
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return invalidRequest("the request body must be a JSON object", null);
  }
  const refused = rejectUnsupportedFeatures(body as Record<string, unknown>);
  if (!refused.ok) return refused;
  const parsed = OpenAiChatRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalidRequest(issue?.message ?? "invalid chat completion request", issueParam(issue));
  }
  const request = parsed.data;

  const conversation = openAiMessagesToGemini(request.messages);
  if (!conversation.ok) return conversation;
  const tools = openAiToolsToGemini(request);
  if (!tools.ok) return tools;
  const generationConfig = openAiGenerationConfig(request);
  if (!generationConfig.ok) return generationConfig;

  const { systemTexts, contents } = conversation.value;
  const gemini: GeminiRequest = {
    contents,
    ...(systemTexts.length > 0
      ? { systemInstruction: { parts: systemTexts.map((text) => ({ text })) } }
      : {}),
    ...(tools.value.declarations.length > 0
      ? { tools: [{ functionDeclarations: tools.value.declarations }] }
      : {}),
    ...(tools.value.toolConfig ? { toolConfig: tools.value.toolConfig } : {}),
    ...(Object.keys(generationConfig.value).length > 0 ? { generationConfig: generationConfig.value } : {}),
  };
  return translated({
    method: "POST",
    path: geminiPath(model, request.stream === true),
    headers: { "content-type": "application/json" },
    body: Buffer.from(JSON.stringify(gemini)),
  });
}
