import { indexOr, isObject, type JsonObject } from "../../json-object.ts";
import type { FlushedChoice } from "./choice-text-streams.ts";
import { OTHER, PASS, type SseTextCodec } from "./sse-text-codec.ts";

/**
 * Anthropic's Messages stream: each content block is a text of its own, written by
 * content_block_delta events (`text_delta` text, `input_json_delta` partial JSON of a tool's
 * input) and ended by content_block_stop, before which its held text goes out in one more delta
 * event. A text block starts empty; should one start with text, that is its first piece.
 * message_start and ping carry no model text and pass; message_delta, message_stop and errors
 * flush. Thinking deltas are signed and pass as written.
 */
export const anthropicEventCodec: SseTextCodec = {
  argumentsAreJsonText: true,
  read(data) {
    if (!isObject(data)) return OTHER;
    switch (data.type) {
      case "content_block_start":
      case "content_block_delta":
      case "content_block_stop":
        return { kind: "text", chunk: data };
      case "ping":
      case "message_start":
        return PASS;
      default:
        return OTHER;
    }
  },
  redact(chunk, streams) {
    const block = indexOr(chunk.index, 0);
    if (chunk.type === "content_block_stop") {
      return { changed: false, before: streams.flush(block).map(deltaEvents).join("") };
    }
    if (chunk.type === "content_block_start") {
      const start = chunk.content_block;
      const changed =
        isObject(start) && start.type === "text" && streams.rewrite(start, "text", block, "content");
      return { changed, before: "" };
    }
    const delta = chunk.delta;
    if (!isObject(delta)) return { changed: false, before: "" };
    if (delta.type === "text_delta")
      return { changed: streams.rewrite(delta, "text", block, "content"), before: "" };
    if (delta.type === "input_json_delta") {
      return { changed: streams.rewrite(delta, "partial_json", block, "arguments"), before: "" };
    }
    return { changed: false, before: "" };
  },
  flushed: (_template, flushed) => flushed.map(deltaEvents).join(""),
};

/** The content_block_delta events that carry a block's flushed text. */
function deltaEvents(flushed: FlushedChoice): string {
  const deltas: JsonObject[] = [];
  if (flushed.content !== "") deltas.push({ type: "text_delta", text: flushed.content });
  const json = flushed.toolArguments.get(0);
  if (json !== undefined && json !== "") deltas.push({ type: "input_json_delta", partial_json: json });
  return deltas
    .map(
      (delta) =>
        `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: flushed.choice, delta })}\n\n`,
    )
    .join("");
}
