import type { ServerResponse } from "node:http";
import { AzureApiError } from "./azure-error.ts";

/**
 * The chat.completion a deployment answers: it echoes the last user message, as one JSON body or
 * as an SSE stream in Azure's order (a first chunk with empty `choices` carrying the prompt's
 * content-filter results, then the deltas, the finish, the usage chunk when asked, `[DONE]`).
 */

interface ChatMessage {
  readonly role?: unknown;
  readonly content?: unknown;
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { text?: unknown }) => (typeof part?.text === "string" ? part.text : ""))
    .join("");
}

function readChat(body: Buffer): { messages: ChatMessage[]; stream: boolean; includeUsage: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new AzureApiError(400, "BadRequest", "The request body is not valid JSON.");
  }
  const request = (parsed ?? {}) as {
    messages?: unknown;
    stream?: unknown;
    stream_options?: { include_usage?: unknown };
  };
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw new AzureApiError(400, "BadRequest", "'messages' is a required property");
  }
  return {
    messages: request.messages as ChatMessage[],
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
  };
}

/** Whitespace-separated words: close enough to tokens for tests that only need counts > 0. */
const tokens = (text: string) => text.split(/\s+/).filter(Boolean).length;

export function answerChat(body: Buffer, res: ServerResponse, modelVersion: string): void {
  const chat = readChat(body);
  const lastUser = [...chat.messages].reverse().find((message) => message.role === "user");
  const text = `Echo: ${contentText(lastUser?.content)}`;
  const promptTokens = chat.messages.reduce(
    (sum, message) => sum + 4 + tokens(contentText(message.content)),
    3,
  );
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: tokens(text),
    total_tokens: promptTokens + tokens(text),
  };
  const base = {
    id: `chatcmpl-azure${Date.now().toString(36)}`,
    created: Math.floor(Date.now() / 1000),
    model: modelVersion,
    system_fingerprint: "fp_azure",
  };
  if (!chat.stream) {
    const json = JSON.stringify({
      ...base,
      object: "chat.completion",
      choices: [
        { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: null },
      ],
      usage,
    });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
    res.end(json);
    return;
  }
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    ...base,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  const events: unknown[] = [
    { id: "", object: "", created: 0, model: "", choices: [], prompt_filter_results: [{ prompt_index: 0 }] },
    chunk({ role: "assistant", content: "" }, null),
    ...text.split(/(?<= )/).map((piece) => chunk({ content: piece }, null)),
    chunk({}, "stop"),
  ];
  if (chat.includeUsage) events.push({ ...base, object: "chat.completion.chunk", choices: [], usage });
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  for (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
  res.end("data: [DONE]\n\n");
}
