import { isDigit, isHexDigit } from "../detectors/char-classes.ts";
/**
 * What the detectors read of tool-call arguments streamed as JSON text (OpenAI's `arguments`
 * deltas, Anthropic's `partial_json`), piece by piece: a view of the same length as the text, and
 * a mask that says which of its characters a match may cover.
 *
 * The buffered answer path decodes the arguments and scans each string value on its own, then
 * writes changed values back escaped. A stream cannot wait for the whole JSON, and the detectors
 * read the raw text, where `"Hello,\njane@example.com"` has the two characters `\` `n` before the
 * address: the `n` glued to it (an address `njane@…`, a card `n4111…` that is no card at all) and
 * a placeholder written over the `n` left a lone backslash, which is invalid JSON. So:
 * - every escape sequence (`\n`, `\"`, `\u00e9`, one split across pieces included) is spaces in the
 *   view: a boundary, as the decoded character mostly is, and never part of a match. The one
 *   exception is `\\`, whose second character stays a backslash in the view (still never part of a
 *   match): a backslash is a boundary already, and in the decoded text "\\n" is a written-out `\n`,
 *   which the detectors read as one too;
 * - a match may cover only the content of one string value (mask VALUE, or ESCAPE inside it but
 *   never at either end): not member names, which the buffered path does not scan either, and not
 *   numbers, literals or structure, where a placeholder would break the JSON.
 * The view is the text itself outside escapes, so detectors still see quotes and brackets around a
 * value as the boundaries they are.
 *
 * The mask is only trustworthy while the text is JSON. Arguments a model got wrong (`{to: bob@…}`,
 * `{"card": 4111 1111 1111 1111}`) would otherwise hide whatever sits outside strings, so the text
 * is checked as it goes (grammar, numbers and literals exactly; control characters and unknown
 * escapes inside strings are let through, they do not move string boundaries) and from the first
 * character that cannot be JSON on, the rest is plain text: view and text alike, every character
 * may be matched. The buffered path falls back to plain text for such arguments too.
 */
export const VALUE = 118; // "v": content of a string value
export const ESCAPE = 101; // "e": part of an escape sequence inside a string value
export const OTHER = 120; // "x": structure, numbers, literals, member names, whitespace between them

export interface JsonTextPiece {
  /** The piece with each escape sequence's characters as spaces. */
  readonly view: string;
  /** One of VALUE, ESCAPE, OTHER per character. */
  readonly mask: string;
  /** Index in the piece from which the text is plain text (it stopped being JSON), or -1. */
  readonly plainFrom: number;
}

// Where the text is, between characters.
const VALUE_NEXT = 0; // a value must come (top level, after ':' or ',' in an array)
const VALUE_OR_CLOSE = 1; // after '['
const KEY_OR_CLOSE = 2; // after '{'
const KEY_NEXT = 3; // after ',' in an object
const COLON_NEXT = 4; // after a member name
const AFTER_VALUE = 5; // a value ended: ',' or the container's close
const DONE = 6; // the top-level value ended: only whitespace may follow
const STRING = 7;
const STRING_ESCAPE = 8; // after a backslash
const STRING_UNICODE = 9; // inside \uXXXX
const LITERAL = 10; // inside true, false or null
// Numbers: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
const NUMBER_MINUS = 11;
const NUMBER_ZERO = 12;
const NUMBER_INT = 13;
const NUMBER_POINT = 14;
const NUMBER_FRACTION = 15;
const NUMBER_E = 16;
const NUMBER_E_SIGN = 17;
const NUMBER_EXPONENT = 18;
const PLAIN = 19;

// What read() says a character is.
const STRUCTURE_CHAR = 0;
const VALUE_CHAR = 1;
const ESCAPE_CHAR = 2;
const PLAIN_CHAR = 3;
/** The second character of `\\`: an escape character that reads as the backslash it stands for. */
const ESCAPED_BACKSLASH = 4;

const OBJECT = 0;
const ARRAY = 1;
/** Deeper nesting is not what a tool call sends; past it the text is read as plain text. */
const MAX_DEPTH = 512;
const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Whether a number in `state` may end here. */
function numberComplete(state: number): boolean {
  return (
    state === NUMBER_ZERO || state === NUMBER_INT || state === NUMBER_FRACTION || state === NUMBER_EXPONENT
  );
}

export class JsonTextView {
  private state = VALUE_NEXT;
  private readonly containers: number[] = [];
  /** The string being read is a member name. */
  private inKey = false;
  /** Hex digits still to come in a \uXXXX escape. */
  private hexLeft = 0;
  private literal = "";
  private literalAt = 0;

  /** True once the text stopped being JSON. */
  get plain(): boolean {
    return this.state === PLAIN;
  }

  push(piece: string): JsonTextPiece {
    if (this.state === PLAIN)
      return { view: piece, mask: String.fromCharCode(VALUE).repeat(piece.length), plainFrom: 0 };
    const view = new Uint16Array(piece.length);
    const mask = new Uint16Array(piece.length);
    let escaped = false;
    let plainFrom = -1;
    for (let i = 0; i < piece.length; i++) {
      const c = piece.charCodeAt(i);
      const kind = this.read(c);
      if (kind === PLAIN_CHAR) {
        plainFrom = i;
        for (let j = i; j < piece.length; j++) {
          view[j] = piece.charCodeAt(j);
          mask[j] = VALUE;
        }
        break;
      }
      if (kind === ESCAPE_CHAR || kind === ESCAPED_BACKSLASH) {
        escaped = true;
        view[i] = kind === ESCAPE_CHAR ? SPACE : BACKSLASH;
        mask[i] = this.inKey ? OTHER : ESCAPE;
      } else {
        view[i] = c;
        mask[i] = kind === VALUE_CHAR ? VALUE : OTHER;
      }
    }
    return { view: escaped ? fromCodes(view) : piece, mask: fromCodes(mask), plainFrom };
  }

  /** Moves past one character and says what it is. */
  private read(c: number): number {
    switch (this.state) {
      case STRING:
        if (c === QUOTE) {
          this.state = this.inKey ? COLON_NEXT : AFTER_VALUE;
          return STRUCTURE_CHAR;
        }
        if (c === BACKSLASH) {
          this.state = STRING_ESCAPE;
          return ESCAPE_CHAR;
        }
        return this.inKey ? STRUCTURE_CHAR : VALUE_CHAR;
      case STRING_ESCAPE:
        if (c === 117) {
          this.state = STRING_UNICODE;
          this.hexLeft = 4;
          return ESCAPE_CHAR;
        }
        this.state = STRING;
        return c === BACKSLASH ? ESCAPED_BACKSLASH : ESCAPE_CHAR;
      case STRING_UNICODE:
        if (isHexDigit(c)) {
          if (--this.hexLeft === 0) this.state = STRING;
          return ESCAPE_CHAR;
        }
        // "\u12" and something else: not JSON, but the string goes on; the character is its own.
        this.state = STRING;
        return this.read(c);
      case LITERAL:
        if (c !== this.literal.charCodeAt(this.literalAt)) return this.stop();
        if (++this.literalAt === this.literal.length) this.state = AFTER_VALUE;
        return STRUCTURE_CHAR;
      case NUMBER_MINUS:
      case NUMBER_ZERO:
      case NUMBER_INT:
      case NUMBER_POINT:
      case NUMBER_FRACTION:
      case NUMBER_E:
      case NUMBER_E_SIGN:
      case NUMBER_EXPONENT: {
        const next = nextNumberState(this.state, c);
        if (next >= 0) {
          this.state = next;
          return STRUCTURE_CHAR;
        }
        if (!numberComplete(this.state)) return this.stop();
        this.state = AFTER_VALUE;
        return this.read(c);
      }
      default:
        return this.readBetween(c);
    }
  }

  /** A character between tokens. */
  private readBetween(c: number): number {
    if (isWhitespace(c)) return STRUCTURE_CHAR;
    const state = this.state;
    if (state === DONE) return this.stop();
    if (state === COLON_NEXT) {
      if (c !== 58) return this.stop();
      this.state = VALUE_NEXT;
      return STRUCTURE_CHAR;
    }
    if (state === AFTER_VALUE) return this.readAfterValue(c);
    if (state === KEY_OR_CLOSE || state === KEY_NEXT) {
      if (c === QUOTE) {
        this.state = STRING;
        this.inKey = true;
        return STRUCTURE_CHAR;
      }
      return state === KEY_OR_CLOSE && c === 125 ? this.close() : this.stop();
    }
    // A value must come (or, after '[', the array may close).
    if (state === VALUE_OR_CLOSE && c === 93) return this.close();
    return this.startValue(c);
  }

  private readAfterValue(c: number): number {
    const top = this.containers[this.containers.length - 1];
    if (c === 44 && top !== undefined) {
      this.state = top === OBJECT ? KEY_NEXT : VALUE_NEXT;
      return STRUCTURE_CHAR;
    }
    if (c === 125 && top === OBJECT) return this.close();
    if (c === 93 && top === ARRAY) return this.close();
    return this.stop();
  }

  private startValue(c: number): number {
    if (c === QUOTE) {
      this.state = STRING;
      this.inKey = false;
      return STRUCTURE_CHAR;
    }
    if (c === 123 || c === 91) {
      if (this.containers.length >= MAX_DEPTH) return this.stop();
      this.containers.push(c === 123 ? OBJECT : ARRAY);
      this.state = c === 123 ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
      return STRUCTURE_CHAR;
    }
    const number = nextNumberState(VALUE_NEXT, c);
    if (number >= 0) {
      this.state = number;
      return STRUCTURE_CHAR;
    }
    const literal = c === 116 ? "true" : c === 102 ? "false" : c === 110 ? "null" : "";
    if (literal === "") return this.stop();
    this.literal = literal;
    this.literalAt = 1;
    this.state = LITERAL;
    return STRUCTURE_CHAR;
  }

  /** Closes the innermost container (the caller checked that `c` closes that kind). */
  private close(): number {
    this.containers.pop();
    this.state = this.containers.length === 0 ? DONE : AFTER_VALUE;
    return STRUCTURE_CHAR;
  }

  private stop(): number {
    this.state = PLAIN;
    return PLAIN_CHAR;
  }
}

/** The number state after `c` (VALUE_NEXT: no number yet), or -1 when `c` does not continue one. */
function nextNumberState(state: number, c: number): number {
  const digit = isDigit(c);
  switch (state) {
    case VALUE_NEXT:
      if (c === 45) return NUMBER_MINUS;
      return c === 48 ? NUMBER_ZERO : digit ? NUMBER_INT : -1;
    case NUMBER_MINUS:
      return c === 48 ? NUMBER_ZERO : digit ? NUMBER_INT : -1;
    case NUMBER_ZERO:
      return c === 46 ? NUMBER_POINT : c === 101 || c === 69 ? NUMBER_E : -1;
    case NUMBER_INT:
      return digit ? NUMBER_INT : c === 46 ? NUMBER_POINT : c === 101 || c === 69 ? NUMBER_E : -1;
    case NUMBER_POINT:
      return digit ? NUMBER_FRACTION : -1;
    case NUMBER_FRACTION:
      return digit ? NUMBER_FRACTION : c === 101 || c === 69 ? NUMBER_E : -1;
    case NUMBER_E:
      return c === 43 || c === 45 ? NUMBER_E_SIGN : digit ? NUMBER_EXPONENT : -1;
    case NUMBER_E_SIGN:
    case NUMBER_EXPONENT:
      return digit ? NUMBER_EXPONENT : -1;
    default:
      return -1;
  }
}

/** A string from UTF-16 code units, in slices small enough to pass as arguments. */
function fromCodes(codes: Uint16Array): string {
  let out = "";
  for (let at = 0; at < codes.length; at += 8192) {
    out += String.fromCharCode(...codes.subarray(at, at + 8192));
  }
  return out;
}

/** The decoded content of a string's raw text (escapes complete): what the buffered path would see. */
export function decodeStringContent(raw: string): string {
  if (!raw.includes("\\")) return raw;
  return raw.replace(
    /\\(?:u([0-9a-fA-F]{4})|([\s\S]))/g,
    (_escape, hex: string | undefined, char: string) => {
      if (hex !== undefined) return String.fromCharCode(Number.parseInt(hex, 16));
      return SIMPLE_ESCAPES[char] ?? char;
    },
  );
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** `text` written as the content of a JSON string. */
export function encodeStringContent(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
