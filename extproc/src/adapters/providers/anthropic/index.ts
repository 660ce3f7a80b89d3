/**
 * The Anthropic provider adapter: OpenAI Chat Completions in front, Anthropic's Messages API
 * behind. Pure translation over bytes and plain data; the pipeline decides when to apply it and
 * injects the credentials.
 */
export { anthropicToOpenAiChat } from "./anthropic-to-openai-response.ts";
export { AnthropicToOpenAiStream } from "./anthropic-to-openai-stream.ts";
export {
  ANTHROPIC_MESSAGES_PATH,
  ANTHROPIC_VERSION,
  DEFAULT_MAX_TOKENS,
  openAiChatToAnthropic,
} from "./openai-to-anthropic-request.ts";
