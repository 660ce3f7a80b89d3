import { LINE_BREAK, withoutLineBom } from "./sse-event.ts";

/**
 * How @google/genai reads a `streamGenerateContent?alt=sse` answer, which is not how an
 * EventSource does (ApiClient.processStreamResponse):
 * - an event ends at the first `\n\n`, `\r\r` or `\r\n\r\n` in the text, nothing else: `\n\r\n`
 *   is no end for it, where an EventSource sees a blank line;
 * - the event is trimmed (every JavaScript white space: spaces, tabs, line breaks, U+FEFF, U+00A0,
 *   U+2028, …); unless it then starts with `data:` it is ignored, whatever it holds;
 * - everything after that `data:`, trimmed again, is parsed as one JSON text, the lines that
 *   follow included (`data: {"modelVersion":"…",` then `"candidates":[…]}` is one chunk to it).
 * The gateway cuts the events the same way (SseEventSplitter's `gemini-sdk` framing) and reads
 * them here, so what it inspects is what the SDK parses.
 */

/** One event as the SDK reads it. */
export interface GeminiSdkEvent {
  /** The text the SDK parses as JSON, or undefined when it ignores the event. */
  readonly payload: string | undefined;
  /**
   * The event is `data: <payload>` and its delimiter, the payload one line without white space at
   * either end: an EventSource, a line reader and the SDK all read that same payload, so the
   * event may pass as it came.
   */
  readonly canonical: boolean;
  /** Ignored by the SDK, and only blank lines and comments to any other reader: harmless as it came. */
  readonly comment: boolean;
}

const DATA = "data:";

/** `text` is one event as the splitter cut it (delimiter included), or what was left at the end. */
export function readGeminiSdkEvent(text: string): GeminiSdkEvent {
  const trimmed = text.trim();
  if (!trimmed.startsWith(DATA)) {
    const comment = text.split(LINE_BREAK).every((line) => {
      const read = withoutLineBom(line);
      return read === "" || read.startsWith(":");
    });
    return { payload: undefined, canonical: false, comment };
  }
  const payload = trimmed.slice(DATA.length).trim();
  const body = withoutDelimiter(text);
  const canonical =
    body === `${DATA} ${payload}` && payload !== "" && !payload.includes("\n") && !payload.includes("\r");
  return { payload, canonical, comment: false };
}

function withoutDelimiter(text: string): string {
  if (text.endsWith("\r\n\r\n")) return text.slice(0, -4);
  if (text.endsWith("\n\n") || text.endsWith("\r\r")) return text.slice(0, -2);
  return text;
}
