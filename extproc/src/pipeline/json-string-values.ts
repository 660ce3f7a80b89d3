/**
 * Visits every string value of a JSON text with its path and its token span, in one linear pass.
 * The gateway rewrites only the strings it must (a redacted message, a routed model name) by
 * splicing new tokens into the text, so every other byte reaches the provider as the caller sent it.
 * The text must already be valid JSON (JSON.parse accepted it).
 */
export type JsonPath = readonly (string | number)[];

export type StringValueVisitor = (path: JsonPath, start: number, end: number) => void;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COLON = 58;
const COMMA = 44;

export function visitStringValues(text: string, visit: StringValueVisitor): void {
  const path: (string | number)[] = [];
  // Per open container: true for objects (the next string is a key), false for arrays.
  const inObject: boolean[] = [];
  let expectKey = false;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const start = i;
      i += 1;
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c === BACKSLASH) i += 2;
        else if (c === QUOTE) break;
        else i += 1;
      }
      i += 1;
      if (expectKey) {
        const raw = text.slice(start, i);
        path[path.length - 1] = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        expectKey = false;
      } else {
        visit(path, start, i);
      }
      continue;
    }
    if (code === OPEN_OBJECT) {
      inObject.push(true);
      path.push("");
      expectKey = true;
    } else if (code === OPEN_ARRAY) {
      inObject.push(false);
      path.push(0);
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      inObject.pop();
      path.pop();
      expectKey = false;
    } else if (code === COMMA) {
      const top = inObject.length - 1;
      if (inObject[top]) {
        expectKey = true;
      } else {
        path[top] = (path[top] as number) + 1;
      }
    } else if (code === COLON) {
      expectKey = false;
    }
    i += 1;
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

export function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
