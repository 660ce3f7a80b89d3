import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";

/**
 * What the callers' official SDKs read from a `text/event-stream` body: each SDK is given the
 * bytes as its HTTP answer (through its `fetch` option, no network), so a test reads the gateway's
 * output with the very parser that will read it in production, line breaks, BOMs and all.
 */
function answering(body: Buffer): typeof fetch {
  return async () =>
    new Response(new Uint8Array(body), { status: 200, headers: { "content-type": "text/event-stream" } });
}

/** What an openai SDK chat stream yields, or the error it raised after them. */
export async function readAsOpenAiSdk(body: Buffer): Promise<{ chunks: unknown[]; error: unknown }> {
  const client = new OpenAI({
    apiKey: "sk-test",
    baseURL: "http://sdk.invalid/v1",
    maxRetries: 0,
    fetch: answering(body),
  });
  const chunks: unknown[] = [];
  try {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    for await (const chunk of stream) chunks.push(chunk);
    return { chunks, error: undefined };
  } catch (error) {
    return { chunks, error };
  }
}

/** The events an @anthropic-ai/sdk message stream yields, and the message it accumulates. */
export async function readAsAnthropicSdk(
  body: Buffer,
): Promise<{ events: unknown[]; message: unknown; error: unknown }> {
  const client = new Anthropic({
    apiKey: "sk-ant-test",
    baseURL: "http://sdk.invalid",
    maxRetries: 0,
    fetch: answering(body),
  });
  const events: unknown[] = [];
  try {
    const stream = client.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
    });
    for await (const event of stream) events.push(event);
    return { events, message: await stream.finalMessage(), error: undefined };
  } catch (error) {
    return { events, message: undefined, error };
  }
}

/** The chunks a @google/genai generateContentStream yields, or the error it raised after them. */
export async function readAsGeminiSdk(body: Buffer): Promise<{ chunks: unknown[]; error: unknown }> {
  const client = new GoogleGenAI({
    apiKey: "test",
    httpOptions: { baseUrl: "http://sdk.invalid", fetch: answering(body) },
  });
  const chunks: unknown[] = [];
  try {
    const stream = await client.models.generateContentStream({ model: "gemini-2.5-flash", contents: "hi" });
    for await (const chunk of stream) chunks.push(chunk);
    return { chunks, error: undefined };
  } catch (error) {
    return { chunks, error };
  }
}
