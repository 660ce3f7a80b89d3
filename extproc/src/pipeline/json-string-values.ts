/**
 * One linear pass over a JSON text that reports every string value with its path and its token
 * span, and can refuse duplicate member names and excessive nesting on the way. The gateway
 * rewrites only the strings it must (a redacted message, a routed model name) by splicing new
 * tokens into the text, so every other byte reaches the provider as the caller sent it.
 * The text must already be valid JSON (JSON.parse accepted it).
 */
export type JsonPath = readonly (string | number)[];

/** A path as the policy and the audit read it: `messages[0].content[1].text`. */
export function formatPath(path: JsonPath): string {
  let out = "";
  for (const segment of path) {
    out += typeof segment === "number" ? `[${segment}]` : out === "" ? segment : `.${segment}`;
  }
  return out;
}

export type StringValueVisitor = (path: JsonPath, start: number, end: number) => void;

export interface JsonScanLimits {
  /** Refuse a member name that appears twice in one object. */
  readonly rejectDuplicateKeys: boolean;
  /** Refuse nesting deeper than this. */
  readonly maxDepth: number;
}

export type JsonScanProblem =
  | { readonly kind: "duplicate_key"; readonly key: string }
  | { readonly kind: "too_deep"; readonly maxDepth: number };

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COLON = 58;
const COMMA = 44;
const NO_LIMITS: JsonScanLimits = { rejectDuplicateKeys: false, maxDepth: Number.POSITIVE_INFINITY };

export function visitStringValues(
  text: string,
  visit: StringValueVisitor,
  limits: JsonScanLimits = NO_LIMITS,
): JsonScanProblem | undefined {
  const path: (string | number)[] = [];
  // Per open container: the member names seen so far for objects, null for arrays.
  const containers: (Set<string> | null)[] = [];
  let expectKey = false;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const start = i;
      i = stringEnd(text, i + 1);
      if (expectKey) {
        const key = stringTokenValue(text, start, i);
        const seen = containers[containers.length - 1];
        if (limits.rejectDuplicateKeys && seen) {
          if (seen.has(key)) return { kind: "duplicate_key", key };
          seen.add(key);
        }
        path[path.length - 1] = key;
        expectKey = false;
      } else {
        visit(path, start, i);
      }
      continue;
    }
    if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (containers.length >= limits.maxDepth) return { kind: "too_deep", maxDepth: limits.maxDepth };
      const isObject = code === OPEN_OBJECT;
      containers.push(isObject ? new Set<string>() : null);
      path.push(isObject ? "" : 0);
      expectKey = isObject;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      containers.pop();
      path.pop();
      expectKey = false;
    } else if (code === COMMA) {
      const top = containers.length - 1;
      if (containers[top]) expectKey = true;
      else path[top] = (path[top] as number) + 1;
    } else if (code === COLON) {
      expectKey = false;
    }
    i += 1;
  }
  return undefined;
}

/**
 * Index just past the closing quote of the string whose content starts at `from`. Jumps from
 * quote to quote with indexOf (most of a request's bytes are inside strings): a quote closes the
 * string unless an odd number of backslashes precedes it.
 */
function stringEnd(text: string, from: number): number {
  let at = from;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return text.length;
    let backslashes = 0;
    for (let i = quote - 1; i >= from && text.charCodeAt(i) === BACKSLASH; i--) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

/** Applies non-overlapping edits (any order) to a text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return text;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const edit of sorted) {
    out += text.slice(at, edit.start) + edit.replacement;
    at = edit.end;
  }
  return out + text.slice(at);
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The value of the string token `text[start..end)`, quotes included. */
export function stringTokenValue(text: string, start: number, end: number): string {
  // Without an escape the content is the value: JSON allows no raw control characters in strings.
  const content = text.slice(start + 1, end - 1);
  return content.includes("\\") ? (JSON.parse(text.slice(start, end)) as string) : content;
}

export interface JsonStringValue {
  /** Token span, quotes included. */
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

/**
 * Every string value of a text that is itself JSON (tool-call arguments), decoded, with its token
 * span, in order, and with `withLongIntegers` every long integer (see LONG_INTEGER); undefined when
 * the text is not JSON, so the caller treats it as plain text.
 */
export function jsonStringValues(
  text: string,
  { withLongIntegers = false } = {},
): JsonStringValue[] | undefined {
  if (!isJsonText(text)) return undefined;
  const values: JsonStringValue[] = [];
  let gapStart = 0;
  visitStringValues(text, (_path, start, end) => {
    if (withLongIntegers) longIntegers(text, gapStart, start, values);
    values.push({ start, end, value: stringTokenValue(text, start, end) });
    gapStart = end;
  });
  if (withLongIntegers) longIntegers(text, gapStart, text.length, values);
  return values;
}

// A whole number of nine digits or more, alone: a card, phone or account number a tool takes as a
// JSON number (`{"card": 4111111111111111}`) is read like one written as a string; rewritten, it
// becomes a string. Outside string tokens a digit run can only be a number token.
const LONG_INTEGER = /(?<![\d.eE+-])\d{9,}(?![\d.eE])/g;
// Member names, the only string tokens between two string values, blanked to the same length.
const MEMBER_NAME = /"(?:[^"\\]|\\.)*"/g;

/** The long integer tokens of `text[from..to)`, a stretch with no string value in it. */
function longIntegers(text: string, from: number, to: number, values: JsonStringValue[]): void {
  if (to - from < 9) return;
  const stretch = text.slice(from, to).replace(MEMBER_NAME, (name) => " ".repeat(name.length));
  for (const match of stretch.matchAll(LONG_INTEGER)) {
    const start = from + (match.index ?? 0);
    values.push({ start, end: start + match[0].length, value: match[0] });
  }
}

/**
 * The value spans of every member called `name` in a JSON text, found as text so that everything
 * else keeps its bytes (a parse and re-serialisation would round big numbers and respell others).
 * A name inside a string value is not a member, and is skipped.
 */
export function memberValueSpans(text: string, name: string): { start: number; end: number }[] {
  const stringValues: { start: number; end: number }[] = [];
  visitStringValues(text, (_path, start, end) => {
    stringValues.push({ start, end });
  });
  const inString = (at: number): boolean => stringValues.some((span) => at > span.start && at < span.end);
  const spans: { start: number; end: number }[] = [];
  const member = new RegExp(`${JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*:\\s*`, "g");
  for (const match of text.matchAll(member)) {
    const at = match.index ?? 0;
    if (inString(at)) continue;
    const start = at + match[0].length;
    spans.push({ start, end: valueEnd(text, start) });
  }
  return spans;
}

/** Index just past the JSON value that starts at `from`. */
function valueEnd(text: string, from: number): number {
  const first = text.charCodeAt(from);
  if (first === QUOTE) return stringEnd(text, from + 1);
  if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
    let i = from;
    while (i < text.length && !/[,}\]\s]/.test(text.charAt(i))) i += 1;
    return i;
  }
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = stringEnd(text, i + 1);
      continue;
    }
    if (code === OPEN_OBJECT || code === OPEN_ARRAY) depth += 1;
    else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  return text.length;
}
