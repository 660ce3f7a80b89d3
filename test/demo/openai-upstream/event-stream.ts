import type { ServerResponse } from "node:http";
import { writeChunk } from "../mock-server/write-chunk.ts";
import { newId } from "./response-stamps.ts";

/** Server-sent events the way OpenAI streams them: one JSON object per `data:` line, then `[DONE]`. */

const MAX_STREAM_CHUNKS = 32;
const MIN_CHUNK_CHARS = 5;

/**
 * Splits an answer into at most MAX_STREAM_CHUNKS pieces of a few characters, cutting inside words
 * the way model tokens do (never inside a character), so clients and the gateway see entities and
 * placeholders split across events.
 */
export function splitForStreaming(text: string): string[] {
  const chars = Array.from(text);
  const size = Math.max(MIN_CHUNK_CHARS, Math.ceil(chars.length / MAX_STREAM_CHUNKS));
  const chunks: string[] = [];
  for (let i = 0; i < chars.length; i += size) chunks.push(chars.slice(i, i + size).join(""));
  return chunks.length > 0 ? chunks : [text];
}

export async function sendEventStream(res: ServerResponse, events: readonly unknown[]): Promise<void> {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-request-id": newId("req_"),
  });
  res.flushHeaders();
  for (const event of events) {
    if (res.destroyed) return;
    await writeChunk(res, `data: ${JSON.stringify(event)}\n\n`);
  }
  if (res.destroyed) return;
  await writeChunk(res, "data: [DONE]\n\n");
  res.end();
}
