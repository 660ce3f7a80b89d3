import type { ProviderAdapter } from "../../../pipeline/provider-translation.ts";
import { chatOnly } from "../chat-only.ts";
import { anthropicToOpenAiChat } from "./anthropic-to-openai-response.ts";
import { AnthropicToOpenAiStream } from "./anthropic-to-openai-stream.ts";
import { openAiChatToAnthropic } from "./openai-to-anthropic-request.ts";

/** Anthropic Messages API behind the OpenAI chat front. */
export const anthropicAdapter: ProviderAdapter = {
  translateRequest(api, body, model) {
    const refusal = chatOnly("anthropic", api);
    return refusal ? { ok: false, error: refusal } : openAiChatToAnthropic(body.value, model);
  },
  translatesAnswers: true,
  translateAnswer: (status, body, model) => anthropicToOpenAiChat(status, body, model),
  // Anthropic always reports usage at the end of a stream; the translator passes it on.
  streamTranslator: (model) => new AnthropicToOpenAiStream(model),
  ownedHeaders: ["x-api-key", "anthropic-version", "anthropic-beta"],
  credentialHeaders: (key) => [{ name: "x-api-key", value: key }],
};
