/**
 * Gemini adapter for the OpenAI Chat Completions front: the request to Gemini's generateContent /
 * streamGenerateContent, and its answers, errors and streams back in OpenAI's shapes.
 */
export { geminiToOpenAiChat } from "./gemini-to-openai-response.ts";
export { GeminiToOpenAiStream } from "./gemini-to-openai-stream.ts";
export { openAiChatToGemini } from "./openai-to-gemini-request.ts";
export type { ResponseStamps } from "./response-stamps.ts";
