import type { ProviderRequest, Translated } from "../../../pipeline/provider-translation.ts";
import { OpenAiChatRequest } from "../openai-chat-request.ts";
import { invalidRequest, issueParam, translated } from "../translation-result.ts";
import type { AnthropicMessagesRequest } from "./anthropic-request-types.ts";
import { toAnthropicConversation } from "./openai-to-anthropic-messages.ts";
import { toAnthropicTools } from "./openai-to-anthropic-tools.ts";
import { rejectUnsupportedFeatures } from "./unsupported-openai-features.ts";

/**
 * An OpenAI chat completion request to Anthropic's POST /v1/messages. `model` is the provider's
 * model chosen by the route, not the one the caller named. Credentials are not added here.
 */

export const ANTHROPIC_MESSAGES_PATH = "/v1/messages";
export const ANTHROPIC_VERSION = "2023-06-01";
/** Anthropic requires max_tokens; OpenAI callers usually omit it and expect the model's own limit. */
export const DEFAULT_MAX_TOKENS = 4096;

function buildBody(request: OpenAiChatRequest, model: string): Translated<AnthropicMessagesRequest> {
  const unsupported = rejectUnsupportedFeatures(request);
  if (!unsupported.ok) return unsupported;
  const conversation = toAnthropicConversation(request.messages);
  if (!conversation.ok) return conversation;
  const tools = toAnthropicTools(request);
  if (!tools.ok) return tools;
  const { system, messages } = conversation.value;
  const stop = request.stop ?? [];
  const stopSequences = typeof stop === "string" ? [stop] : stop;
  return translated({
    model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages,
    ...(system.length > 0 ? { system } : {}),
    ...(request.temperature !== undefined && request.temperature !== null
      ? { temperature: request.temperature }
      : {}),
    ...(request.top_p !== undefined && request.top_p !== null ? { top_p: request.top_p } : {}),
    ...(stopSequences.length > 0 ? { stop_sequences: stopSequences } : {}),
    ...(request.stream === true ? { stream: true } : {}),
    ...tools.value,
    ...(request.user ? { metadata: { user_id: request.user } } : {}),
  });
}

export function openAiChatToAnthropic(body: unknown, model: string): Translated<ProviderRequest> {
  const parsed = OpenAiChatRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalidRequest(
      `invalid chat completion request: ${issue?.message ?? "malformed body"}`,
      issueParam(issue),
    );
  }
  const messages = buildBody(parsed.data, model);
  if (!messages.ok) return messages;
  return translated({
    method: "POST",
    path: ANTHROPIC_MESSAGES_PATH,
    headers: { "content-type": "application/json", "anthropic-version": ANTHROPIC_VERSION },
    body: Buffer.from(JSON.stringify(messages.value)),
  });
}
