import type { ApiKind } from "../../policy-input.ts";
import { anthropicEventCodec } from "./anthropic-event-codec.ts";
import { geminiChunkCodec } from "./gemini-chunk-codec.ts";
import { openAiChunkCodec } from "./openai-chunk-codec.ts";
import type { SseTextCodec } from "./sse-text-codec.ts";

/** The codec of the API the caller speaks: the answer reaches the gateway filter in that shape. */
export function sseTextCodecFor(api: ApiKind): SseTextCodec {
  switch (api) {
    case "anthropic.messages":
      return anthropicEventCodec;
    case "gemini.generate_content":
    case "gemini.stream_generate_content":
      return geminiChunkCodec;
    default:
      return openAiChunkCodec;
  }
}
