import type { ProviderAdapter } from "../../../pipeline/provider-translation.ts";
import { chatOnly } from "../chat-only.ts";
import { geminiToOpenAiChat } from "./gemini-to-openai-response.ts";
import { GeminiToOpenAiStream } from "./gemini-to-openai-stream.ts";
import { openAiChatToGemini } from "./openai-to-gemini-request.ts";

/** Gemini generateContent behind the OpenAI chat front. */
export const geminiAdapter: ProviderAdapter = {
  translateRequest(api, body, model) {
    const refusal = chatOnly("gemini", api);
    return refusal ? { ok: false, error: refusal } : openAiChatToGemini(body.value, model);
  },
  translatesAnswers: true,
  translateAnswer: (status, body, model) => geminiToOpenAiChat(status, body, model),
  streamTranslator: (model, includeUsage) => new GeminiToOpenAiStream(model, { includeUsage }),
  ownedHeaders: ["x-goog-api-key"],
  credentialHeaders: (key) => [{ name: "x-goog-api-key", value: key }],
};
