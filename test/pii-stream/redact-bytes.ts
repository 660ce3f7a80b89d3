import assert from "node:assert/strict";
import { builtinDetectors } from "../../extproc/src/pipeline/pii/detectors/index.ts";
import { SseAnswerRedactor } from "../../extproc/src/pipeline/pii/stream/sse-answer-redactor.ts";
import type { SseTextCodec } from "../../extproc/src/pipeline/pii/stream/sse-text-codec.ts";
import { StreamTextRedactor } from "../../extproc/src/pipeline/pii/stream/stream-text-redactor.ts";
import { NumberingReplacer } from "./stream-fixtures.ts";

const detectors = builtinDetectors();

/** The body the client gets when the upstream's bytes arrive cut at `cuts`. */
export function redactBytes(codec: SseTextCodec, body: Buffer, cuts: readonly number[] = []): Buffer {
  const redactor = new SseAnswerRedactor(
    codec,
    (kind) => new StreamTextRedactor(detectors, new NumberingReplacer(), kind === "arguments"),
  );
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, body.length]) {
    out.push(redactor.push(body.subarray(at, cut)));
    at = cut;
  }
  out.push(redactor.end());
  return Buffer.concat(out);
}

/**
 * The body the client gets, checked to be the same bytes wherever the upstream's chunks were cut
 * (once at every position, then in one-byte chunks): events are read whole, so chunking must
 * change nothing.
 */
export function redactAtEveryCut(codec: SseTextCodec, text: string): Buffer {
  const body = Buffer.from(text);
  const whole = redactBytes(codec, body);
  for (let cut = 1; cut < body.length; cut++) {
    assert.ok(redactBytes(codec, body, [cut]).equals(whole), `cut at byte ${cut}`);
  }
  const bytes = Array.from({ length: body.length - 1 }, (_, i) => i + 1);
  assert.ok(redactBytes(codec, body, bytes).equals(whole), "one byte at a time");
  return whole;
}

/**
 * Every string the client read, joined per member across chunks (`choices.0.delta.content` →
 * the whole content): where a value split between chunks shows whole again.
 */
export function textsByMember(values: readonly unknown[]): Map<string, string> {
  const texts = new Map<string, string>();
  const walk = (value: unknown, path: string): void => {
    if (typeof value === "string") texts.set(path, (texts.get(path) ?? "") + value);
    else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) walk(item, path === "" ? key : `${path}.${key}`);
    }
  };
  for (const value of values) walk(value, "");
  return texts;
}

/** Fails when any member the client read holds one of `secrets`. */
export function assertNoneLeaks(values: readonly unknown[], secrets: readonly string[], what: string): void {
  for (const [member, text] of textsByMember(values)) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `${what}: ${member} holds ${secret}`);
  }
}
