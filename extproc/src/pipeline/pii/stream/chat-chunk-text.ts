import { indexOr, isObject, type JsonObject } from "../../json-object.ts";
import type { JsonPath } from "../../json-string-values.ts";
import { entriesOf, isJsonTextAnswer, type JsonContainer, visitAnswerStrings } from "../answer-text.ts";
import type { ChoiceTextStreams, FlushedChoice, FlushedText, TextMember } from "./choice-text-streams.ts";

/**
 * A `chat.completion.chunk` or legacy `text_completion` chunk: an object with `choices`, an array
 * or an object keyed "0", "1", … (some servers send one; `chunk.choices[0]` reads both the same).
 */
export interface CompletionChunk extends JsonObject {
  choices: unknown[] | JsonObject;
}

export function isCompletionChunk(value: unknown): value is CompletionChunk {
  return isObject(value) && typeof value.choices === "object" && value.choices !== null;
}

/** The rule of answer-text.ts is read with OpenAI's paths (`choices[i]…`); chat and legacy agree on it. */
const API = "openai.chat_completions";

/**
 * One step of the path from a choice to a text member. Inside an array an item is the same item in
 * every chunk when it has the same `index` (tool calls) or, without one, the same position
 * (content parts); `ident` is what a new item is made of when held text must be written to it.
 */
type PathStep = string | { readonly at: number; readonly ident: JsonObject };

/**
 * Arrays whose items each arrive whole, never in pieces across chunks: their strings are redacted
 * on their own, so no text of one item is held back and written into another.
 */
const WHOLE_ITEM_ARRAYS: ReadonlySet<string> = new Set(["annotations"]);

/**
 * Passes every string the model wrote in `chunk` (answer-text.ts: content, refusal, reasoning,
 * audio transcripts, content parts, tool-call and legacy function-call arguments, legacy `text`,
 * members the gateway does not know) through its own stream and writes back what was released. A
 * choice that finishes here (`finish_reason` set) also gets whatever its streams still held, so
 * nothing is left behind after the client has seen the choice end; what cannot be written into the
 * chunk goes in chunks returned in `before`. Mutates `chunk`.
 *
 * Logprobs are dropped (set to null) from every choice that carries them: they spell the answer
 * token by token (`jane`, `.doe`, `@example`), so an entity redacted in the content would still
 * reach the client through them, and no detector can find an entity cut into tokens. The JSON
 * path drops them once anything in the answer was redacted; a stream cannot know what later
 * chunks hold when it must send this one, so it drops them from every chunk whenever the policy
 * rewrites answers at all (this codec only runs then).
 */
export function redactChunkText(
  chunk: CompletionChunk,
  streams: ChoiceTextStreams,
): { changed: boolean; before: string } {
  let changed = false;
  let before = "";
  for (const { index, key, choice } of choicesOf(chunk)) {
    if (choice.logprobs !== undefined && choice.logprobs !== null) {
      choice.logprobs = null;
      changed = true;
    }
    visitAnswerStrings(API, choice, ["choices", key], (owner, member, path) => {
      const fromChoice = path.slice(2);
      const whole = fromChoice.some((step) => typeof step === "string" && WHOLE_ITEM_ARRAYS.has(step));
      const rewritten = whole
        ? streams.rewriteWhole(owner, member)
        : streams.rewrite(owner, member, index, textMember(choice, fromChoice, path));
      if (rewritten) changed = true;
    });
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      for (const flushed of streams.flush(index)) {
        const left = placeTexts(choice, flushed.texts);
        if (left.length > 0) before += flushedChunks(chunk, { choice: index, texts: left });
        changed = true;
      }
    }
  }
  return { changed, before };
}

function choicesOf(chunk: CompletionChunk): { index: number; key: string | number; choice: JsonObject }[] {
  const found: { index: number; key: string | number; choice: JsonObject }[] = [];
  entriesOf(chunk.choices).forEach(([key, choice], position) => {
    if (!isObject(choice)) return;
    const keyed = typeof key === "number" ? key : Number(key);
    const fallback = Number.isInteger(keyed) && String(keyed) === String(key) ? keyed : position;
    found.push({ index: indexOr(choice.index, fallback), key, choice });
  });
  return found;
}

/** The text at `fromChoice` inside `choice`: which stream it belongs to and where its held text goes. */
function textMember(choice: JsonObject, fromChoice: JsonPath, path: JsonPath): TextMember {
  const steps: PathStep[] = [];
  // The member's name: its steps, a member name after \u0001, an item after \u0002.
  let member = "";
  let node: unknown = choice;
  for (const step of fromChoice) {
    if (Array.isArray(node) && typeof step === "number") {
      const item: unknown = node[step];
      const index = isObject(item) ? item.index : undefined;
      if (typeof index === "number" && Number.isInteger(index)) steps.push({ at: index, ident: { index } });
      else {
        const type = isObject(item) && typeof item.type === "string" ? item.type : undefined;
        steps.push({ at: step, ident: type === undefined ? {} : { type } });
      }
      member += `\u0002${(steps.at(-1) as { at: number }).at}`;
      node = item;
    } else {
      const key = String(step);
      steps.push(key);
      member += `\u0001${key}`;
      node = isObject(node) ? node[key] : undefined;
    }
  }
  return { member, kind: isJsonTextAnswer(API, path) ? "arguments" : "content", place: steps };
}

/** Appends each text at its place in the choice, creating the members it needs; returns those that did not fit. */
function placeTexts(choice: JsonObject, texts: readonly FlushedText[]): FlushedText[] {
  return texts.filter((flushed) => !writeAt(choice, flushed.place as readonly PathStep[], flushed.text));
}

/**
 * Appends `text` to the string at `steps` under `root`. False, changing nothing, when the chunk
 * has something else there (the stream sent `content` as parts and this chunk as a string).
 */
function writeAt(root: JsonObject, steps: readonly PathStep[], text: string): boolean {
  let node: JsonContainer = root;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as PathStep;
    const next = steps[i + 1];
    let key: string | number;
    if (typeof step === "string") {
      if (Array.isArray(node)) return false;
      key = step;
    } else {
      if (!Array.isArray(node)) return false;
      key = findItem(node, step);
      if (key < 0) {
        if (next === undefined) return false;
        node.push({ ...step.ident });
        key = node.length - 1;
      }
    }
    const container = node as Record<string | number, unknown>;
    const value = container[key];
    if (next === undefined) {
      if (value === undefined || value === null) container[key] = text;
      else if (typeof value === "string") container[key] = value + text;
      else return false;
      return true;
    }
    if (value === undefined || value === null) {
      const created: JsonContainer = typeof next === "string" ? {} : [];
      container[key] = created;
      node = created;
    } else if (typeof value === "object") node = value as JsonContainer;
    else return false;
  }
  return false;
}

function findItem(items: unknown[], step: { readonly at: number; readonly ident: JsonObject }): number {
  if ("index" in step.ident) return items.findIndex((item) => isObject(item) && item.index === step.at);
  const item = items[step.at];
  const indexed = isObject(item) && typeof item.index === "number";
  return step.at < items.length && !indexed ? step.at : -1;
}

/**
 * Chunks carrying text flushed outside a finishing chunk, shaped like the last chunk the client
 * saw (same id, object, created, model, fingerprint), so SDKs accumulate them like any other.
 */
export function flushedChunks(template: CompletionChunk | undefined, flushed: FlushedChoice): string {
  let out = "";
  let texts = flushed.texts;
  const legacy =
    template?.object === "text_completion" ||
    (template === undefined && texts.some((text) => (text.place as readonly PathStep[])[0] === "text"));
  while (texts.length > 0) {
    const chunk = {} as CompletionChunk;
    for (const [key, value] of Object.entries(template ?? {})) {
      // Members in the template's order, `choices` in its place, so the chunk reads like its siblings.
      if (key === "choices") chunk.choices = [];
      else if (key !== "usage") chunk[key] = value;
    }
    const choice: JsonObject = legacy
      ? { index: flushed.choice, text: "", logprobs: null, finish_reason: null }
      : { index: flushed.choice, delta: {}, logprobs: null, finish_reason: null };
    chunk.choices = [choice];
    const left = placeTexts(choice, texts);
    if (left.length < texts.length) out += `data: ${JSON.stringify(chunk)}\n\n`;
    // Two texts whose places clash go in two chunks; one that fits no choice at all (held text of
    // a member a choice uses for itself, a string `index`) is dropped rather than looped on.
    texts = left.length === texts.length ? left.slice(1) : left;
  }
  return out;
}
