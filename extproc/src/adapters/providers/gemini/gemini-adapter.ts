import type { ProviderAdapter } from "../../../pipeline/provider-translation.ts";
import { chatOnly } from "../chat-only.ts";
import { isApiKeyInvalid } from "./api-key-invalid.ts";
import { geminiPath, isGeminiModelId } from "./gemini-path.ts";
import { geminiToOpenAiChat } from "./gemini-to-openai-response.ts";
import { GeminiToOpenAiStream } from "./gemini-to-openai-stream.ts";
import { openAiChatToGemini } from "./openai-to-gemini-request.ts";
import { unsupported } from "./translation-failures.ts";

/**
 * Gemini generateContent, behind the OpenAI chat front (translated both ways) and behind the
 * native generateContent / streamGenerateContent fronts (passed through: the provider's model
 * goes into the path, the body as the caller sent it).
 */
export const geminiAdapter: ProviderAdapter = {
  translateRequest(api, body, model) {
    if (api === "gemini.generate_content" || api === "gemini.stream_generate_content") {
      if (!isGeminiModelId(model)) return unsupported(`the model name '${model}'`, "model");
      return {
        ok: true,
        value: {
          method: "POST",
          path: geminiPath(model, api === "gemini.stream_generate_content"),
          headers: { "content-type": "application/json" },
          body: Buffer.from(body.text, "utf8"),
        },
      };
    }
    return chatOnly("gemini", api) ?? openAiChatToGemini(body.value, model);
  },
  translatesAnswers: (api) => api === "openai.chat_completions",
  callerHeaders: () => [],
  translateAnswer: (status, body, model) => geminiToOpenAiChat(status, body, model),
  streamTranslator: (model, includeUsage) => new GeminiToOpenAiStream(model, { includeUsage }),
  refusesGatewayKey: (status, body) => status === 400 && isApiKeyInvalid(body),
  ownedHeaders: ["x-goog-api-key"],
  credentialHeaders: (key) => [{ name: "x-goog-api-key", value: key }],
};
