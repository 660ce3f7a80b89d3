import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  builtinDetectors,
  compileCustomDetectors,
  detectAll,
} from "../../extproc/src/pipeline/pii/detectors/index.ts";
import type { Detector } from "../../extproc/src/pipeline/pii/detectors/types.ts";
import { PiiReplacements } from "../../extproc/src/pipeline/pii/pii-replacements.ts";
import { redactRestoreText } from "../../extproc/src/pipeline/pii/stream/redact-restore-text.ts";
import { StreamTextRedactor } from "../../extproc/src/pipeline/pii/stream/stream-text-redactor.ts";
import {
  ENTITIES,
  isLoneSurrogateAtEdge,
  NumberingReplacer,
  RESTORE,
  random,
  randomPieces,
  randomText,
} from "./stream-fixtures.ts";

const detectors = builtinDetectors();

function streamed(
  pieces: readonly string[],
  using: readonly Detector[] = detectors,
): { out: string[]; r: StreamTextRedactor } {
  const r = new StreamTextRedactor(using, new NumberingReplacer());
  const out = pieces.map((piece) => r.push(piece));
  out.push(r.end());
  return { out, r };
}

function oneShot(text: string, using: readonly Detector[] = detectors): string {
  return redactRestoreText(text, using, new NumberingReplacer());
}

describe("StreamTextRedactor", () => {
  it("every fixture entity is one match of the built-in detectors (so the properties below test something)", () => {
    for (const value of ENTITIES) {
      const text = `see ${value} now`;
      const found = detectAll(text, detectors);
      assert.equal(found.length, 1, value);
      assert.equal(text.slice(found[0]?.start, found[0]?.end), value);
    }
  });

  it("streams to exactly the one-shot result for random texts cut at random places", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const rand = random(seed);
      const text = randomText(rand, 5 + Math.floor(rand() * 40));
      const pieces = randomPieces(rand, text, 1 + Math.floor(rand() * 12));
      const { out } = streamed(pieces);
      assert.equal(out.join(""), oneShot(text), `seed ${seed}: ${JSON.stringify(pieces)}`);
      for (const piece of out)
        assert.ok(!isLoneSurrogateAtEdge(piece), `seed ${seed}: lone surrogate in ${JSON.stringify(piece)}`);
    }
  });

  it("catches every entity and placeholder cut at every position into two pieces", () => {
    for (const value of [...ENTITIES, ...RESTORE.keys()]) {
      const text = `Reach me: ${value}. Thanks 😀`;
      const expected = oneShot(text);
      assert.ok(!expected.includes(value), value);
      for (let cut = 0; cut <= text.length; cut++) {
        const { out } = streamed([text.slice(0, cut), text.slice(cut)]);
        assert.equal(out.join(""), expected, `${value} cut at ${cut}`);
      }
    }
  });

  it("keeps whole an entity the detectors read through look-alike, invisible or written-out escape characters", () => {
    for (const text of [
      "card 4111\u00a01111\u00a01111\u00a01111 ok",
      "mail jane\u200b.doe@example.com ok",
      "card \uff14\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 ok",
      "tel +1\u00a0415\u2011555\u20110134 ok",
      "mail j\\u00fcrgen@m\\u00fcnchen.de ok",
    ]) {
      const expected = oneShot(text);
      for (let cut = 0; cut <= text.length; cut++) {
        const { out } = streamed([text.slice(0, cut), text.slice(cut)]);
        assert.equal(out.join(""), expected, `${JSON.stringify(text)} cut at ${cut}`);
      }
    }
  });

  it("never sends half of an emoji: the high surrogate waits for its pair", () => {
    const r = new StreamTextRedactor(detectors, new NumberingReplacer());
    assert.equal(r.push("ok \ud83d"), "ok ");
    assert.equal(r.push("\ude00 fine "), "😀 fine ");
    assert.equal(r.end(), "");
  });

  it("restores placeholders into the answer and never redacts the restored value", () => {
    const { out, r } = streamed(["Write to [EM", "AIL_1] or [PHONE_1", "] today"]);
    assert.equal(out.join(""), "Write to carol@example.net or +1 (212) 555-0199 today");
    assert.equal(r.stats().restored, 2);
    assert.deepEqual([...r.stats().matches], []);
  });

  it("keeps a card split into digit groups until the group run ends, sending prose before it at once", () => {
    const r = new StreamTextRedactor(detectors, new NumberingReplacer());
    assert.equal(r.push("Your card is "), "Your card is ");
    assert.equal(r.push("4111 "), "");
    assert.equal(r.push("1111 1111"), "");
    assert.equal(r.push(" 1111 and"), "");
    assert.equal(r.push(" more"), "<CREDIT_CARD~1> and ");
    assert.equal(r.end(), "more");
  });

  it("holds an open PEM block until its END line, then sends it redacted", () => {
    const key = ENTITIES.find((value) => value.startsWith("-----BEGIN")) as string;
    const r = new StreamTextRedactor(detectors, new NumberingReplacer());
    let out = r.push("key:\n");
    for (const line of key.split(/(?<=\n)/)) out += r.push(line);
    assert.equal(out, "key:\n");
    assert.equal(r.push("\nbye"), "<PRIVATE_KEY~1>\n");
    assert.equal(r.end(), "bye");
  });

  it("holds at most a word or so of plain prose", () => {
    const prose =
      "Sure! Here is a summary of the quarterly report. Revenue grew in every region, costs fell, and the team shipped three releases. Let me know if you need more detail, e.g. a breakdown per month.\n\n";
    const text = prose.repeat(20);
    for (const size of [1, 3, 7]) {
      const { out, r } = streamed(randomPieces(random(size), text, size));
      assert.equal(out.join(""), text);
      assert.ok(r.stats().maxHeldChars <= 12, `held ${r.stats().maxHeldChars} with pieces of ~${size}`);
    }
  });

  it("with a custom keyword detector, holds its length so a keyword split across pieces is caught", () => {
    const custom = compileCustomDetectors({
      patterns: [],
      keywords: [{ type: "PROJECT", words: ["Project Falcon"] }],
    });
    const using = [...detectors, ...custom.detectors];
    const text = "The plan for Project Falcon is ready, ask bob@example.com.";
    for (let cut = 0; cut <= text.length; cut++) {
      const { out } = streamed([text.slice(0, cut), text.slice(cut)], using);
      assert.equal(out.join(""), oneShot(text, using), `cut at ${cut}`);
    }
    assert.ok(!oneShot(text, using).includes("Falcon"));
  });

  it("with the request's PiiReplacements, reuses its placeholders and counts per type", () => {
    const replacements = new PiiReplacements(new Map([["EMAIL", "redact"]]), undefined);
    replacements.replacementFor({ type: "EMAIL", start: 0, end: 17 }, "carol@example.net");
    const r = new StreamTextRedactor(detectors, replacements);
    const text = "Mail [EMAIL_1] and carol@example.net, or new@example.org.";
    const out = randomPieces(random(7), text, 2).map((piece) => r.push(piece));
    out.push(r.end());
    // The answer's own entities stay redacted: a placeholder handed out for model output is final.
    assert.equal(out.join(""), "Mail carol@example.net and [EMAIL_1], or [EMAIL_2].");
    assert.deepEqual([...r.stats().matches], [["EMAIL", 2]]);
    assert.equal(r.stats().restored, 1);
  });
});

describe("StreamTextRedactor's scan", () => {
  it("runs each detector once per push that releases text, for the cut and the merge alike", () => {
    let calls = 0;
    const counted = detectors.map((detector) => ({
      type: detector.type,
      maxMatchLength: detector.maxMatchLength,
      detect(text: string) {
        calls++;
        return detector.detect(text);
      },
    }));
    const r = new StreamTextRedactor(counted, new NumberingReplacer());
    // Each piece ends in a line break, so each push releases all it has and scans once; the end
    // has nothing left to scan.
    const out = [r.push("Write to alice@example.com\n"), r.push("today, please\n"), r.end()];
    assert.equal(calls, 2 * detectors.length);
    assert.equal(out.join(""), oneShot("Write to alice@example.com\ntoday, please\n"));
  });
});
