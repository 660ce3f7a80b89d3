import { indexOr, isObject, type JsonObject } from "../../json-object.ts";
import { entriesOf, visitAnswerStrings } from "../answer-text.ts";
import type { ChoiceTextStreams, FlushedChoice, TextMember } from "./choice-text-streams.ts";
import { OTHER, PASS, type SseTextCodec } from "./sse-text-codec.ts";

const API = "anthropic.messages";

/** Where a block's held text goes: a content_block_delta of this type, the text in this member. */
interface DeltaPlace {
  readonly deltaType: string;
  readonly key: string;
}

/**
 * Anthropic's Messages stream. Which strings are model text is the rule of the JSON answer
 * (answer-text.ts), read with each event laid out as a content block (`content[index]…`).
 *
 * Each content block's texts arrive in pieces: the `text` of text_delta events (the block's start,
 * or message_start's `content`, may carry its first piece: the SDK appends the deltas to it), the
 * `partial_json` of input_json_delta events (JSON text), and any string member of a delta type the
 * gateway does not know; each is a text of its own, ended by content_block_stop, before which its
 * held text goes out in one more delta event of its type. Everything else arrives whole and is
 * redacted on the spot: a tool_use `input` given in the block's start (which the SDK keeps when no
 * deltas follow), a citations_delta's citation, server tool results. Thinking and signature deltas
 * are signed and pass as written. ping passes; message_delta, message_stop and errors flush.
 */
export const anthropicEventCodec: SseTextCodec = {
  argumentsAreJsonText: true,
  framing: "event-stream",
  read(data) {
    if (!isObject(data)) return OTHER;
    switch (data.type) {
      case "message_start":
      case "content_block_start":
      case "content_block_delta":
      case "content_block_stop":
        return { kind: "text", chunk: data };
      case "ping":
        return PASS;
      default:
        return OTHER;
    }
  },
  redact(chunk, streams) {
    const block = indexOr(chunk.index, 0);
    switch (chunk.type) {
      case "content_block_stop":
        return { changed: false, before: streams.flush(block).map(deltaEvents).join("") };
      case "content_block_start":
        return { changed: redactBlock(chunk.content_block, block, streams), before: "" };
      case "message_start": {
        // The SDK starts its message from this one, content included: blocks by position.
        let changed = false;
        const content = isObject(chunk.message) ? chunk.message.content : undefined;
        entriesOf(content).forEach(([, item], position) => {
          if (redactBlock(item, position, streams)) changed = true;
        });
        return { changed, before: "" };
      }
      default:
        return { changed: redactDelta(chunk.delta, block, streams), before: "" };
    }
  },
  flushed: (_template, flushed) => flushed.map(deltaEvents).join(""),
};

/** A block as it starts: its `text` is the first piece of the block's text, the rest is whole. */
function redactBlock(content: unknown, block: number, streams: ChoiceTextStreams): boolean {
  let changed = false;
  visitAnswerStrings(API, content, ["content", block], (owner, key, path) => {
    const rewritten =
      path.length === 3 && key === "text"
        ? streams.rewrite(owner, key, block, piece("text_delta", "text"))
        : streams.rewriteWhole(owner, key);
    if (rewritten) changed = true;
  });
  return changed;
}

/** A delta's own string members are pieces of the block's text of that name; anything deeper is whole. */
function redactDelta(delta: unknown, block: number, streams: ChoiceTextStreams): boolean {
  if (!isObject(delta)) return false;
  const deltaType = typeof delta.type === "string" ? delta.type : "text_delta";
  let changed = false;
  visitAnswerStrings(API, delta, ["content", block], (owner, key, path) => {
    const rewritten =
      path.length === 3 && typeof key === "string"
        ? streams.rewrite(owner, key, block, piece(deltaType, key))
        : streams.rewriteWhole(owner, key);
    if (rewritten) changed = true;
  });
  return changed;
}

function piece(deltaType: string, key: string): TextMember {
  const place: DeltaPlace = { deltaType, key };
  return { member: key, kind: key === "partial_json" ? "arguments" : "content", place };
}

/** The content_block_delta events that carry a block's flushed texts. */
function deltaEvents(flushed: FlushedChoice): string {
  return flushed.texts
    .map(({ place, text }) => {
      const { deltaType, key } = place as DeltaPlace;
      const delta: JsonObject = { type: deltaType, [key]: text };
      const event = { type: "content_block_delta", index: flushed.choice, delta };
      return `event: content_block_delta\ndata: ${JSON.stringify(event)}\n\n`;
    })
    .join("");
}
