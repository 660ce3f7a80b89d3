/**
 * One server-sent event, parsed only as far as rewriting needs: its `data` (the data lines joined
 * with LF, as an EventSource client sees it) and every other line kept verbatim (comments,
 * `event:`, `id:`, `retry:`, unknown fields), so a rewritten event loses nothing but the original
 * spelling of its data lines.
 */
export interface SseEvent {
  /** Lines other than data lines, without their line breaks, in order. */
  readonly otherLines: readonly string[];
  /** Index in `otherLines` before which the data line goes when the event is written again. */
  readonly dataPosition: number;
  /** undefined when the event has no data line (a comment or keep-alive). */
  readonly data: string | undefined;
}

export const LINE_BREAK = /\r\n|\r|\n/;
const BOM = 0xfeff;

/**
 * Reads the event as the openai and Anthropic SDKs do (both the EventSource rules), with their one
 * leniency: a U+FEFF at the start of a line is not part of it (the openai SDK decodes each line
 * on its own, and its TextDecoder drops a leading BOM; the Anthropic SDK drops it by hand). So
 * `\uFEFFdata: {…}` is a data line whose data is inspected, not a field named `\uFEFFdata` that
 * the gateway would pass raw while the SDK reads it; and a line of only a BOM is the blank line
 * that ends the event (sse-event-splitter.ts cuts there too). Exactly one: `\uFEFF\uFEFFdata`
 * names no field for either SDK.
 */
export function parseSseEvent(text: string): SseEvent {
  const lines = text.split(LINE_BREAK);
  // The split leaves "" after the last break, and the blank line that ends the event.
  while (lines.length > 0 && withoutLineBom(lines[lines.length - 1] as string) === "") lines.pop();
  const otherLines: string[] = [];
  const data: string[] = [];
  let dataPosition = -1;
  for (const written of lines) {
    const line = withoutLineBom(written);
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    if (field !== "data" || colon === 0) {
      otherLines.push(line);
      continue;
    }
    if (dataPosition < 0) dataPosition = otherLines.length;
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    data.push(value);
  }
  return {
    otherLines,
    dataPosition: dataPosition < 0 ? otherLines.length : dataPosition,
    data: data.length > 0 ? data.join("\n") : undefined,
  };
}

/** A line as the SDKs read it: one leading U+FEFF dropped. */
export function withoutLineBom(line: string): string {
  return line.charCodeAt(0) === BOM ? line.slice(1) : line;
}

/** The event with `data` in place of its data lines: LF line breaks, ended by a blank line. */
export function serializeSseEvent(event: SseEvent, data: string): string {
  const lines = [...event.otherLines];
  // A data value with line breaks needs one data line per line to reach the client unchanged.
  const dataLines = data.split(LINE_BREAK).map((line) => `data: ${line}`);
  lines.splice(event.dataPosition, 0, ...dataLines);
  return `${lines.join("\n")}\n\n`;
}

/** An event's data as JSON, or undefined when it is not JSON (`[DONE]`, a provider's plain text). */
export function parseSseJson(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}
