import { indexOr, isObject, type JsonObject } from "../../json-object.ts";
import type { FlushedChoice } from "./choice-text-streams.ts";
import { OTHER, PASS, type SseTextCodec } from "./sse-text-codec.ts";

/**
 * Anthropic's Messages stream: each content block is a text of its own, written by
 * content_block_delta events (`text_delta` text, `input_json_delta` partial JSON of a tool's
 * input) and ended by content_block_stop, before which its held text goes out in one more delta
 * event. message_start, content_block_start and ping carry no model text and pass; message_delta,
 * message_stop and errors flush. Thinking deltas are signed and pass as written.
 */
export const anthropicEventCodec: SseTextCodec = {
  read(data) {
    if (!isObject(data)) return OTHER;
    switch (data.type) {
      case "content_block_delta":
      case "content_block_stop":
        return { kind: "text", chunk: data };
      case "ping":
      case "message_start":
      case "content_block_start":
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
    const delta = chunk.delta;
    if (!isObject(delta)) return { changed: false, before: "" };
    const [key, kind] =
      delta.type === "text_delta"
        ? (["text", "content"] as const)
        : delta.type === "input_json_delta"
          ? (["partial_json", "arguments"] as const)
          : [undefined, undefined];
    const piece = key === undefined ? undefined : delta[key];
    if (key === undefined || kind === undefined || typeof piece !== "string" || piece === "") {
      return { changed: false, before: "" };
    }
    const released = streams.push(block, kind, 0, piece);
    if (released === piece) return { changed: false, before: "" };
    delta[key] = released;
    return { changed: true, before: "" };
  },
  flushed: (_template, flushed) => flushed.map(deltaEvents).join(""),
};

/** The content_block_delta events that carry a block's flushed text. */
function deltaEvents(flushed: FlushedChoice): string {
  const events: JsonObject[] = [];
  if (flushed.content !== "") {
    events.push({ type: "text_delta", text: flushed.content });
  }
  const json = flushed.toolArguments.get(0);
  if (json !== undefined && json !== "") events.push({ type: "input_json_delta", partial_json: json });
  return events
    .map(
      (delta) =>
        `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: flushed.choice, delta })}\n\n`,
    )
    .join("");
}
