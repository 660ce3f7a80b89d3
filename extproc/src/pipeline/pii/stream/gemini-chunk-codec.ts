import { indexOr, isObject, type JsonObject } from "../../json-object.ts";
import { entriesOf, visitAnswerStrings } from "../answer-text.ts";
import type { ChoiceTextStreams, FlushedChoice, FlushedText, TextMember } from "./choice-text-streams.ts";
import { OTHER, type SseTextCodec } from "./sse-text-codec.ts";

const API = "gemini.stream_generate_content";

/** Where a candidate's held text goes: a thought part, or an answer part. */
interface PartPlace {
  readonly thought: boolean;
}

const ANSWER_TEXT: TextMember = { member: "text", kind: "content", place: { thought: false } };
const THOUGHT_TEXT: TextMember = { member: "thought", kind: "content", place: { thought: true } };

/**
 * Gemini's streamGenerateContent (alt=sse): every event is a GenerateContentResponse. Which
 * strings are model text is the rule of the JSON answer (answer-text.ts): every string of a
 * candidate's `content.parts` but binary data, URIs, names and signatures. A candidate's part
 * `text`s are its text in pieces (the SDK's `chunk.text` joins them), thought summaries a second
 * one; each goes through its own stream, whose held text goes into the chunk that carries the
 * candidate's finishReason. Everything else in a part arrives whole and is redacted on the spot:
 * a functionCall's args, executableCode's code, codeExecutionResult's output.
 *
 * A candidate's `logprobsResult` spells the answer token by token, as OpenAI's logprobs do (see
 * chat-chunk-text.ts), and is dropped from every chunk for the same reason.
 *
 * The SDK reads events unlike an EventSource (gemini-sdk-events.ts): the redactor reads them as it
 * does and writes each in one canonical form, or ends the stream with `unreadable`.
 */
export const geminiChunkCodec: SseTextCodec = {
  argumentsAreJsonText: false,
  framing: "gemini-sdk",
  read: (data) =>
    isObject(data) &&
    ((typeof data.candidates === "object" && data.candidates !== null) || isObject(data.usageMetadata))
      ? { kind: "text", chunk: data }
      : OTHER,
  redact(chunk, streams) {
    let changed = false;
    let before = "";
    entriesOf(chunk.candidates).forEach(([key, candidate], position) => {
      if (!isObject(candidate)) return;
      const index = indexOr(candidate.index, position);
      if (candidate.logprobsResult !== undefined) {
        delete candidate.logprobsResult;
        changed = true;
      }
      if (redactParts(candidate, key, index, streams)) changed = true;
      if (typeof candidate.finishReason !== "string") return;
      for (const flushed of streams.flush(index)) {
        const left = flushed.texts.filter((text) => !appendText(candidate, text));
        if (left.length > 0) before += flushedChunk(chunk, [{ choice: index, texts: left }]);
        changed = true;
      }
    });
    return { changed, before };
  },
  flushed: (template, flushed) => flushedChunk(template, flushed),
  unreadable: (why) => ({
    // google.rpc.Status, as the gateway refuses a Gemini call (caller-error-response.ts): the SDK
    // raises an error event with a 4xx/5xx `code` as an ApiError.
    error: {
      code: 502,
      message: `the provider's answer could not be inspected: ${why}`,
      status: "INTERNAL",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "PROVIDER_RESPONSE_UNREADABLE",
          domain: "llm-gateway",
        },
      ],
    },
  }),
};

function redactParts(
  candidate: JsonObject,
  key: string | number,
  index: number,
  streams: ChoiceTextStreams,
): boolean {
  let changed = false;
  visitAnswerStrings(API, candidate, ["candidates", key], (owner, member, path) => {
    // `candidates[i].content.parts[j].text`: a piece of the candidate's text or thoughts.
    const pieceOfText = path.length === 6 && member === "text" && !Array.isArray(owner);
    const rewritten = pieceOfText
      ? streams.rewrite(owner, member, index, owner.thought === true ? THOUGHT_TEXT : ANSWER_TEXT)
      : streams.rewriteWhole(owner, member);
    if (rewritten) changed = true;
  });
  return changed;
}

/**
 * Adds flushed text to the candidate's last text part of the same kind (thought or not), which
 * is where that text's last piece went when it came in this chunk, or else as a new part; false
 * when the candidate's content has no list of parts to add to.
 */
function appendText(candidate: JsonObject, flushed: FlushedText): boolean {
  const { thought } = flushed.place as PartPlace;
  if (candidate.content === undefined || candidate.content === null) candidate.content = { role: "model" };
  const content = candidate.content;
  if (!isObject(content)) return false;
  if (content.parts === undefined || content.parts === null) content.parts = [];
  const parts = content.parts;
  if (!Array.isArray(parts)) return false;
  const last = parts.findLast(
    (item): item is JsonObject =>
      isObject(item) && typeof item.text === "string" && (item.thought === true) === thought,
  );
  if (last) last.text += flushed.text;
  else parts.push(part(flushed));
  return true;
}

function part({ place, text }: FlushedText): JsonObject {
  return (place as PartPlace).thought ? { text, thought: true } : { text };
}

/** One chunk carrying flushed text, shaped after the template (the last chunk the client saw). */
function flushedChunk(template: JsonObject | undefined, flushed: readonly FlushedChoice[]): string {
  const chunk: JsonObject = {};
  for (const [key, value] of Object.entries(template ?? {})) {
    if (key === "candidates") chunk.candidates = [];
    else if (key !== "usageMetadata") chunk[key] = value;
  }
  chunk.candidates = flushed.map((choice) => ({
    content: { role: "model", parts: choice.texts.map(part) },
    index: choice.choice,
  }));
  return `data: ${JSON.stringify(chunk)}\n\n`;
}
