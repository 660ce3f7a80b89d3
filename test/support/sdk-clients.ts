import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { DEMO_KEYS } from "./gateway-under-test.ts";

/**
 * The official SDKs pointed at a gateway under test the way an app points them at Envoy: the
 * gateway's address and a gateway key (Alice's unless told), nothing else changed. The SDKs' own
 * retries are off so every request a test makes is exactly one request through the gateway.
 */
interface Reachable {
  readonly url: string;
}

export function openaiClient(gateway: Reachable, apiKey: string = DEMO_KEYS.alice): OpenAI {
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
}

export function anthropicClient(gateway: Reachable, apiKey: string = DEMO_KEYS.alice): Anthropic {
  return new Anthropic({ baseURL: gateway.url, apiKey, maxRetries: 0 });
}

export function geminiClient(gateway: Reachable, apiKey: string = DEMO_KEYS.alice): GoogleGenAI {
  return new GoogleGenAI({ apiKey, httpOptions: { baseUrl: gateway.url } });
}

/** What a caller collects from an openai SDK chat stream. */
export interface ReadChatStream {
  /** The first choice's text, every delta joined. */
  text: string;
  chunks: number;
  /** The usage chunk's total (with `stream_options.include_usage`), 0 without one. */
  totalTokens: number;
}

export async function readChatStream(
  stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
): Promise<ReadChatStream> {
  const read: ReadChatStream = { text: "", chunks: 0, totalTokens: 0 };
  for await (const chunk of stream) {
    read.chunks += 1;
    read.text += chunk.choices[0]?.delta.content ?? "";
    read.totalTokens = chunk.usage?.total_tokens ?? read.totalTokens;
  }
  return read;
}
