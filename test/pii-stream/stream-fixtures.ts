import type { TextMatch } from "../../extproc/src/pipeline/pii/detectors/types.ts";
import type { TextReplacer } from "../../extproc/src/pipeline/pii/stream/redact-restore-text.ts";
import { seededRandom } from "../support/seeded-random.ts";

/** Values every built-in detector reports (checked by a test), written as a model might write them. */
export const ENTITIES: readonly string[] = [
  "alice.smith@example.com",
  "bob@mail.example.org",
  "4111 1111 1111 1111",
  "4111-1111-1111-1111",
  "5555555555554444",
  "+1 (415) 555-2671",
  "+44 20 7946 0958",
  "415.555.2671",
  "536-22-1234",
  "DE89 3704 0044 0532 0130 00",
  "GB82 WEST 1234 5698 7654 32",
  "GB82WEST12345698765432",
  "203.0.113.7",
  "2001:db8::8a2e:370:7334",
  "AKIA2OGYBAH6STMMNXNM",
  "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
  "sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7j",
  "sk-ant-api03-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7j",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
  "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+XQUkz\n-----END PRIVATE KEY-----",
];

/** Placeholders this request created, as the model may echo them. */
export const RESTORE: ReadonlyMap<string, string> = new Map([
  ["[EMAIL_1]", "carol@example.net"],
  ["[EMAIL_10]", "dave@example.net"],
  ["[PHONE_1]", "+1 (212) 555-0199"],
  ["[CREDIT_CARD#0123456789ab]", "4012 8888 8888 1881"],
]);

/** Near misses and text that looks like the start of something. */
const DECOYS: readonly string[] = [
  "[EMAIL_",
  "[EMAIL_2]",
  "[PHONE",
  "[",
  "]",
  "bob@",
  "@example.com",
  "4111 1111",
  "1234",
  "v1.2.3.4",
  "-----BEGIN",
  "-----END PRIVATE KEY-----",
  "sk-",
  "eyJ",
  "GB82",
  "I AM",
  "Q3",
  "2024-01-15",
];

const WORDS: readonly string[] = [
  "the",
  "answer",
  "is",
  "please",
  "contact",
  "at",
  "or",
  "call",
  "Thanks!",
  "café",
  "naïve",
  "😀",
  "👩‍💻",
  "数据",
  "(see",
  "below)",
  "x",
  "tel:",
  "ID-",
];
const GLUE: readonly string[] = [" ", " ", " ", "", "\n", ", ", ". ", "  ", "\t", "'", '"', "*", "`"];

/** Deterministic, so a failing case can be replayed from its seed. */
export const random = seededRandom;

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

/** Prose with entities, placeholders and decoys glued in every way a model might write them. */
export function randomText(rand: () => number, parts: number): string {
  let text = "";
  for (let i = 0; i < parts; i++) {
    const roll = rand();
    const part =
      roll < 0.25
        ? pick(rand, ENTITIES)
        : roll < 0.35
          ? pick(rand, [...RESTORE.keys()])
          : roll < 0.5
            ? pick(rand, DECOYS)
            : pick(rand, WORDS);
    text += part + pick(rand, GLUE);
  }
  return text;
}

/** Cuts `text` at random offsets, surrogate pairs included. */
export function randomPieces(rand: () => number, text: string, averageLength: number): string[] {
  const pieces: string[] = [];
  let at = 0;
  while (at < text.length) {
    const length = 1 + Math.floor(rand() * averageLength * 2);
    pieces.push(text.slice(at, at + length));
    at += length;
  }
  return pieces;
}

/**
 * Stands in for the request's replacements: each distinct value gets `<TYPE~n>` (a form no
 * placeholder has, so a test can tell redaction from restore), numbered in order of appearance.
 */
export class NumberingReplacer implements TextReplacer {
  private readonly seen = new Map<string, string>();
  constructor(readonly restore: ReadonlyMap<string, string> = RESTORE) {}

  replacementFor(match: TextMatch, value: string): string | undefined {
    let token = this.seen.get(value);
    if (token === undefined) {
      token = `<${match.type}~${this.seen.size + 1}>`;
      this.seen.set(value, token);
    }
    return token;
  }
}

export function isLoneSurrogateAtEdge(piece: string): boolean {
  if (piece === "") return false;
  const first = piece.charCodeAt(0);
  const last = piece.charCodeAt(piece.length - 1);
  return (first >= 0xdc00 && first <= 0xdfff) || (last >= 0xd800 && last <= 0xdbff);
}
