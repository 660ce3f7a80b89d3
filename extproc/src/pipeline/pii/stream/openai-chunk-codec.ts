import {
  type CompletionChunk,
  flushedChunks,
  isCompletionChunk,
  redactChunkText,
} from "./chat-chunk-text.ts";
import { OTHER, type SseTextCodec } from "./sse-text-codec.ts";

/**
 * OpenAI-compatible streams: `chat.completion.chunk` and legacy `text_completion` chunks. A
 * choice's held text goes into the chunk that carries its finish_reason; anything that is not a
 * chunk (`[DONE]`, an error) gets the held text in synthetic chunks before it.
 */
export const openAiChunkCodec: SseTextCodec = {
  argumentsAreJsonText: true,
  framing: "event-stream",
  read: (data) => (isCompletionChunk(data) ? { kind: "text", chunk: data } : OTHER),
  redact: (chunk, streams) => redactChunkText(chunk as CompletionChunk, streams),
  flushed: (template, flushed) =>
    flushed.map((choice) => flushedChunks(template as CompletionChunk | undefined, choice)).join(""),
};
