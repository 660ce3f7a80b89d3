import type { ServerResponse } from "node:http";
import { writeChunk } from "../mock-server/write-chunk.ts";

/**
 * How Gemini streams: with `alt=sse`, `data: <json>` events separated by CRLF blank lines; without
 * it, one JSON array written element by element. `cut` drops the connection instead of finishing,
 * the way a provider that dies mid-answer looks to the gateway.
 */

async function writeAll(res: ServerResponse, pieces: readonly string[], cut: boolean): Promise<void> {
  for (const piece of pieces) {
    if (res.destroyed) return;
    await writeChunk(res, piece);
  }
  if (cut) res.destroy();
  else res.end();
}

export async function sendSseStream(
  res: ServerResponse,
  events: readonly unknown[],
  cut: boolean,
): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "x-content-type-options": "nosniff" });
  res.flushHeaders();
  await writeAll(
    res,
    events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`),
    cut,
  );
}

export async function sendJsonArrayStream(
  res: ServerResponse,
  events: readonly unknown[],
  cut: boolean,
): Promise<void> {
  res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
  res.flushHeaders();
  const pieces = events.map((event, i) => `${i === 0 ? "[" : ",\r\n"}${JSON.stringify(event, null, 2)}`);
  await writeAll(res, cut ? pieces : [...pieces, "]"], cut);
}

/** A whole JSON answer that stops half-way: the headers promised more bytes than arrive. */
export function sendCutJson(res: ServerResponse, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(200, { "content-type": "application/json; charset=UTF-8", "content-length": payload.length });
  res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.destroy());
}
