import type { ServerResponse } from "node:http";
import { newId } from "./response-stamps.ts";

/** Server-sent events the way OpenAI streams them: one JSON object per `data:` line, then `[DONE]`. */

const MAX_STREAM_CHUNKS = 32;

/** Splits an answer on word boundaries into at most MAX_STREAM_CHUNKS pieces. */
export function splitForStreaming(text: string): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const perChunk = Math.ceil(words.length / MAX_STREAM_CHUNKS);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += perChunk) chunks.push(words.slice(i, i + perChunk).join(""));
  return chunks;
}

/** Resolves once the chunk has been handed to the socket, so each event leaves as its own write. */
function writeChunk(res: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("close", done);
      setImmediate(resolve);
    };
    res.once("close", done);
    res.write(text, done);
  });
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
