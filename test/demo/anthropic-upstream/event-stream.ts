import type { ServerResponse } from "node:http";
import { writeChunk } from "../mock-server/write-chunk.ts";
import { splitForStreaming } from "../openai-upstream/event-stream.ts";
import type { Answer, AnswerBlock } from "./message-answer.ts";

/**
 * An answer as Anthropic streams it: message_start, then per block content_block_start, deltas
 * (text_delta or input_json_delta pieces) and content_block_stop, a ping, message_delta with the
 * stop reason and cumulative output tokens, message_stop. Each event is its own `event:` + `data:`.
 */

export interface StreamEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

const ev = (data: Record<string, unknown> & { type: string }): StreamEvent => ({ event: data.type, data });

function blockEvents(block: AnswerBlock, index: number): StreamEvent[] {
  if (block.type === "text") {
    return [
      ev({ type: "content_block_start", index, content_block: { type: "text", text: "" } }),
      ...splitForStreaming(block.text).map((text) =>
        ev({ type: "content_block_delta", index, delta: { type: "text_delta", text } }),
      ),
      ev({ type: "content_block_stop", index }),
    ];
  }
  // Anthropic opens a tool_use block with empty input and an empty first partial_json.
  const json = JSON.stringify(block.input);
  return [
    ev({ type: "content_block_start", index, content_block: { ...block, input: {} } }),
    ...["", ...splitForStreaming(json)].map((partial_json) =>
      ev({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } }),
    ),
    ev({ type: "content_block_stop", index }),
  ];
}

export function answerEvents(id: string, model: string, answer: Answer): StreamEvent[] {
  const message = {
    id,
    type: "message",
    role: "assistant",
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
  };
  return [
    ev({
      type: "message_start",
      message: { ...message, usage: { input_tokens: answer.usage.input_tokens, output_tokens: 1 } },
    }),
    ev({ type: "ping" }),
    ...answer.content.flatMap(blockEvents),
    ev({
      type: "message_delta",
      delta: { stop_reason: answer.stop_reason, stop_sequence: answer.stop_sequence },
      usage: { output_tokens: answer.usage.output_tokens },
    }),
    ev({ type: "message_stop" }),
  ];
}

/** `cutAfter` destroys the connection after that many events, as a provider dying mid-answer does. */
export async function sendEvents(
  res: ServerResponse,
  events: readonly StreamEvent[],
  requestId: string,
  cutAfter?: number,
): Promise<void> {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "request-id": requestId,
  });
  res.flushHeaders();
  for (const [index, event] of events.entries()) {
    if (res.destroyed) return;
    if (cutAfter !== undefined && index >= cutAfter) {
      res.destroy();
      return;
    }
    await writeChunk(res, `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
  }
  res.end();
}
