import type { ProviderAdapter } from "../../../pipeline/provider-translation.ts";
import { withModelToken } from "../body-model-token.ts";
import { chatOnly } from "../chat-only.ts";
import { anthropicToOpenAiChat } from "./anthropic-to-openai-response.ts";
import { AnthropicToOpenAiStream } from "./anthropic-to-openai-stream.ts";
import { ANTHROPIC_MESSAGES_PATH, openAiChatToAnthropic } from "./openai-to-anthropic-request.ts";

/**
 * Anthropic's Messages API, behind the OpenAI chat front (translated both ways) and behind the
 * native `POST /v1/messages` front (passed through: only the model token becomes the provider's).
 */
export const anthropicAdapter: ProviderAdapter = {
  translateRequest(api, body, model) {
    if (api === "anthropic.messages") {
      return {
        ok: true,
        value: {
          method: "POST",
          path: ANTHROPIC_MESSAGES_PATH,
          headers: { "content-type": "application/json" },
          body: withModelToken(body, model),
        },
      };
    }
    return chatOnly("anthropic", api) ?? openAiChatToAnthropic(body.value, model);
  },
  translatesAnswers: (api) => api !== "anthropic.messages",
  // The native caller's SDK chose the API version and betas its body is written for.
  callerHeaders: (api) => (api === "anthropic.messages" ? ["anthropic-version", "anthropic-beta"] : []),
  translateAnswer: (status, body, model) => anthropicToOpenAiChat(status, body, model),
  // Anthropic always reports usage at the end of a stream; the translator passes it on.
  streamTranslator: (model) => new AnthropicToOpenAiStream(model),
  refusesGatewayKey: () => false,
  ownedHeaders: ["x-api-key", "anthropic-version", "anthropic-beta"],
  credentialHeaders: (key) => [{ name: "x-api-key", value: key }],
};
