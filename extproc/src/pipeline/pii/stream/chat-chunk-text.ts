import { indexOr, isObject, type JsonObject } from "../../json-object.ts";
import type { ChoiceTextStreams, FlushedChoice, TextStreamKind } from "./choice-text-streams.ts";

/** A `chat.completion.chunk` or legacy `text_completion` chunk: an object with a `choices` array. */
export interface CompletionChunk extends JsonObject {
  choices: unknown[];
}

export function isCompletionChunk(value: unknown): value is CompletionChunk {
  return isObject(value) && Array.isArray(value.choices);
}

/**
 * Passes every text piece of `chunk` through its stream's redactor and writes back what the
 * redactor released; a choice that finishes here (`finish_reason` set) also gets whatever its
 * streams still held, so nothing is left behind after the client has seen the choice end.
 * Mutates `chunk`; returns true when any text changed.
 */
export function redactChunkText(chunk: CompletionChunk, streams: ChoiceTextStreams): boolean {
  let changed = false;
  chunk.choices.forEach((choice, position) => {
    if (!isObject(choice)) return;
    const index = indexOr(choice.index, position);
    const delta = isObject(choice.delta) ? choice.delta : undefined;
    const rewrite = (owner: JsonObject, key: string, kind: TextStreamKind, tool = 0): void => {
      if (streams.rewrite(owner, key, index, kind, tool)) changed = true;
    };
    if (delta) {
      rewrite(delta, "content", "content");
      rewrite(delta, "refusal", "refusal");
      if (Array.isArray(delta.tool_calls)) {
        delta.tool_calls.forEach((call, callPosition) => {
          if (isObject(call) && isObject(call.function)) {
            rewrite(call.function, "arguments", "arguments", indexOr(call.index, callPosition));
          }
        });
      }
    }
    rewrite(choice, "text", "text");
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      for (const flushed of streams.flush(index)) {
        addFlushed(choice, flushed);
        changed = true;
      }
    }
  });
  return changed;
}

/** Appends flushed text to the choice of a chunk, creating the members it needs. */
function addFlushed(choice: JsonObject, flushed: FlushedChoice): void {
  if (flushed.text !== "") choice.text = (typeof choice.text === "string" ? choice.text : "") + flushed.text;
  const needsDelta = flushed.content !== "" || flushed.refusal !== "" || flushed.toolArguments.size > 0;
  if (!needsDelta) return;
  if (!isObject(choice.delta)) choice.delta = {};
  const delta = choice.delta as JsonObject;
  for (const key of ["content", "refusal"] as const) {
    if (flushed[key] !== "") delta[key] = (typeof delta[key] === "string" ? delta[key] : "") + flushed[key];
  }
  if (flushed.toolArguments.size === 0) return;
  if (!Array.isArray(delta.tool_calls)) delta.tool_calls = [];
  const calls = delta.tool_calls as unknown[];
  for (const [tool, args] of flushed.toolArguments) {
    const call = calls.find((c, position) => isObject(c) && indexOr(c.index, position) === tool);
    if (isObject(call) && isObject(call.function)) {
      const before = call.function.arguments;
      call.function.arguments = (typeof before === "string" ? before : "") + args;
    } else if (isObject(call)) {
      call.function = { arguments: args };
    } else {
      calls.push({ index: tool, function: { arguments: args } });
    }
  }
}

/**
 * A chunk carrying text flushed at the end of the stream, shaped like the last chunk the client
 * saw (same id, object, created, model, fingerprint), so SDKs accumulate it like any other.
 */
export function flushedTextChunk(
  template: CompletionChunk | undefined,
  flushed: FlushedChoice,
): CompletionChunk {
  const chunk = {} as CompletionChunk;
  for (const [key, value] of Object.entries(template ?? {})) {
    // Members in the template's order, `choices` in its place, so the chunk reads like its siblings.
    if (key === "choices") chunk.choices = [];
    else if (key !== "usage") chunk[key] = value;
  }
  chunk.choices ??= [];
  const legacy = chunk.object === "text_completion" || (template === undefined && flushed.text !== "");
  const choice: JsonObject = legacy
    ? { index: flushed.choice, text: "", logprobs: null, finish_reason: null }
    : { index: flushed.choice, delta: {}, logprobs: null, finish_reason: null };
  addFlushed(choice, flushed);
  chunk.choices.push(choice);
  return chunk;
}
