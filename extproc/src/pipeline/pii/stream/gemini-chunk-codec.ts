import { indexOr, isObject, type JsonObject } from "../../json-object.ts";
import type { ChoiceTextStreams, FlushedChoice } from "./choice-text-streams.ts";
import { OTHER, rewriteStrings, type SseTextCodec } from "./sse-text-codec.ts";

/**
 * Gemini's streamGenerateContent (alt=sse): every event is a GenerateContentResponse whose
 * candidates write text in `content.parts[].text`. Each candidate's text is one stream; its held
 * text goes into the chunk that carries the candidate's finishReason. A functionCall arrives
 * whole, so the strings of its args are rewritten on the spot. Thought parts pass as written.
 */
export const geminiChunkCodec: SseTextCodec = {
  argumentsAreJsonText: false,
  read: (data) =>
    isObject(data) && (Array.isArray(data.candidates) || isObject(data.usageMetadata))
      ? { kind: "text", chunk: data }
      : OTHER,
  redact(chunk, streams) {
    let changed = false;
    const candidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
    candidates.forEach((candidate, position) => {
      if (!isObject(candidate)) return;
      const index = indexOr(candidate.index, position);
      if (redactParts(candidate, index, streams)) changed = true;
      if (typeof candidate.finishReason === "string") {
        for (const flushed of streams.flush(index)) {
          appendText(candidate, flushed.content);
          changed = true;
        }
      }
    });
    return { changed, before: "" };
  },
  flushed(template, flushed) {
    const chunk: JsonObject = {};
    for (const [key, value] of Object.entries(template ?? {})) {
      if (key === "candidates") chunk.candidates = [];
      else if (key !== "usageMetadata") chunk[key] = value;
    }
    chunk.candidates = flushed.map((choice: FlushedChoice) => ({
      content: { role: "model", parts: [{ text: choice.content }] },
      index: choice.choice,
    }));
    return `data: ${JSON.stringify(chunk)}\n\n`;
  },
};

function partsOf(candidate: JsonObject): unknown[] {
  const content = candidate.content;
  return isObject(content) && Array.isArray(content.parts) ? content.parts : [];
}

function redactParts(candidate: JsonObject, index: number, streams: ChoiceTextStreams): boolean {
  let changed = false;
  for (const part of partsOf(candidate)) {
    if (!isObject(part) || part.thought === true) continue;
    if (streams.rewrite(part, "text", index, "content")) changed = true;
    const call = part.functionCall;
    if (isObject(call) && rewriteStrings(call.args, (text) => streams.redactWhole("arguments", text))) {
      changed = true;
    }
  }
  return changed;
}

/** Adds flushed text to the candidate's last text part, or as a new part. */
function appendText(candidate: JsonObject, text: string): void {
  if (text === "") return;
  if (!isObject(candidate.content)) candidate.content = { role: "model", parts: [] };
  const content = candidate.content as JsonObject;
  if (!Array.isArray(content.parts)) content.parts = [];
  const parts = content.parts as unknown[];
  const last = parts.at(-1);
  if (isObject(last) && typeof last.text === "string" && last.thought !== true) last.text += text;
  else parts.push({ text });
}
