import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtinDetectors, detectAll } from "../../extproc/src/pipeline/pii/detectors/index.ts";
import { jwtDetector } from "../../extproc/src/pipeline/pii/detectors/jwt.ts";
import type { Detector } from "../../extproc/src/pipeline/pii/detectors/types.ts";
import { redactRestoreText } from "../../extproc/src/pipeline/pii/stream/redact-restore-text.ts";
import { StreamTextRedactor } from "../../extproc/src/pipeline/pii/stream/stream-text-redactor.ts";
import { NumberingReplacer, random, randomPieces } from "./stream-fixtures.ts";

/**
 * The stream redactor runs on the processor's only event loop, so what one push costs must not
 * depend on how long the text has been a run of characters that could be part of an entity. These
 * tests count the characters the detectors are given per push (not time): a push costs its own
 * length plus a bounded window (the left context kept for the detectors and the tail held back),
 * and a long hold (a JWT or a PEM block that may still be open) is not rescanned at every piece.
 */
const builtins = builtinDetectors();
/** The left context the redactor keeps for the detectors (CONTEXT_CHARS). */
const CONTEXT = 256;
/** The longest match of the detectors the character rule covers: an address, 64 + 1 + 253. */
const LONGEST_ADDRESS = 318;
/** The longest entity written as space-separated groups: an IBAN with its spaces. */
const LONGEST_GROUPED = 42;

interface Run {
  readonly out: string;
  /** Characters given to one detector, per push (0 when the push did not scan). */
  readonly perPush: number[];
  /** Characters given to one detector over the whole stream, end included. */
  readonly total: number;
  readonly maxHeld: number;
}

function run(pieces: Iterable<string>, detectors: readonly Detector[] = builtins): Run {
  let scanned = 0;
  // `...detector` keeps what a detector tells the stream (the JWT's tracker of open matches).
  const counted = detectors.map((detector) => ({
    ...detector,
    detect(text: string) {
      if (detector.type === "EMAIL") scanned += text.length;
      return detector.detect(text);
    },
  }));
  const redactor = new StreamTextRedactor(counted, new NumberingReplacer(new Map()));
  const perPush: number[] = [];
  let out = "";
  for (const piece of pieces) {
    const before = scanned;
    out += redactor.push(piece);
    perPush.push(scanned - before);
  }
  out += redactor.end();
  return { out, perPush, total: scanned, maxHeld: redactor.stats().maxHeldChars };
}

function* repeat(count: number, piece: (i: number) => string): Generator<string> {
  for (let i = 0; i < count; i++) yield piece(i);
}

const oneShot = (text: string) => redactRestoreText(text, builtins, new NumberingReplacer(new Map()));
const base64 = Buffer.from(Array.from({ length: 90_000 }, (_, i) => (i * 7919 + (i >> 5)) & 255)).toString(
  "base64",
);
const base64url = base64.replace(/\+/g, "-").replace(/\//g, "_");
const HS256 = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

/** A JWT whose payload is `payloadLength` long: longer than the character rule holds. */
function longJwt(payloadLength: number): string {
  const payload = Buffer.from(JSON.stringify({ sub: "1", data: base64url.slice(0, payloadLength) })).toString(
    "base64url",
  );
  return `${HS256}.${payload}.${base64url.slice(1000, 1043)}`;
}

describe("the work of a push is bounded", () => {
  it("a long base64 run holds back at most the longest address and scans at most that plus the left context per push", () => {
    const { out, perPush, maxHeld } = run(repeat(20_000, (i) => base64.slice(i * 4, i * 4 + 4)));
    assert.equal(out, base64.slice(0, 80_000));
    assert.ok(maxHeld <= LONGEST_ADDRESS, `held ${maxHeld}`);
    assert.ok(Math.max(...perPush) <= CONTEXT + LONGEST_ADDRESS + 4, `scanned ${Math.max(...perPush)}`);
  });

  it('a long "1 " run holds back at most the longest grouped entity and scans little more than the left context per push', () => {
    const { out, perPush, maxHeld } = run(repeat(20_000, () => "1 "));
    assert.equal(out, "1 ".repeat(20_000));
    assert.ok(maxHeld <= LONGEST_GROUPED, `held ${maxHeld}`);
    assert.ok(Math.max(...perPush) <= CONTEXT + LONGEST_GROUPED + 2, `scanned ${Math.max(...perPush)}`);
  });

  it("hex, an address-like run and a base64 run with a dot in it are held no longer than an address either", () => {
    const hex = Buffer.from(base64).toString("hex");
    for (const [name, piece] of [
      ["hex", (i: number) => hex.slice(i * 4, i * 4 + 4)],
      ["a@", () => "a@"],
      ["x.", () => "x."],
      ["base64url after a dot", (i: number) => (i === 0 ? "x." : base64url.slice(i * 4, i * 4 + 4))],
    ] as const) {
      const { perPush, maxHeld } = run(repeat(5_000, piece));
      assert.ok(maxHeld <= LONGEST_ADDRESS, `${name}: held ${maxHeld}`);
      assert.ok(
        Math.max(...perPush) <= CONTEXT + LONGEST_ADDRESS + 4,
        `${name}: scanned ${Math.max(...perPush)}`,
      );
    }
  });

  it("a JWT longer than that is held whole from its 'eyJ' until it ends, and not rescanned while it grows", () => {
    const jwt = longJwt(12_000);
    assert.ok(jwt.length > 16_000 - 100 && jwt.length <= 16 * 1024, `${jwt.length}`);
    const text = `token: ${jwt} ok`;
    const pieces = randomPieces(random(3), text, 4);
    const { out, perPush, total, maxHeld } = run(pieces);
    assert.equal(out, "token: <JWT~1> ok");
    assert.equal(out, oneShot(text));
    assert.ok(maxHeld >= jwt.length, "the whole token was held");
    // Once the token is longer than the character rule holds, pushes do not scan at all.
    const holding = perPush.slice(Math.ceil((LONGEST_ADDRESS + 50) / 4), -Math.ceil(10 / 4) - 2);
    assert.ok(holding.length > 3000);
    assert.deepEqual(new Set(holding), new Set([0]));
    assert.ok(total <= 3 * text.length, `scanned ${total} for ${text.length}`);
  });

  it("a base64url run that only looks like a JWT header is held no longer than a JWT header may be", () => {
    // "eyJ" then no dot: a header may be 2048 characters long; after that it cannot be a JWT, and
    // the run is held like any other.
    const { perPush, maxHeld } = run(
      repeat(5_000, (i) => (i === 0 ? "eyJh" : base64url.slice(i * 4, i * 4 + 4))),
    );
    assert.ok(maxHeld <= 2048 + 4, `held ${maxHeld}`);
    assert.ok(perPush.slice(1, 500).every((chars) => chars === 0));
    assert.ok(perPush.slice(600).every((chars) => chars <= CONTEXT + LONGEST_ADDRESS + 4));
  });

  it("an unclosed PEM block is held from its BEGIN without rescanning, and released once it can no longer close", () => {
    const begin = "-----BEGIN PRIVATE KEY-----\n";
    const { out, perPush, maxHeld } = run(repeat(8_000, (i) => (i === 0 ? begin : "AAAA")));
    assert.equal(out, begin + "AAAA".repeat(7_999));
    assert.ok(maxHeld >= 16 * 1024 - 8 && maxHeld <= 16 * 1024 + 2048 + 4, `held ${maxHeld}`);
    assert.ok(perPush.slice(1, 4_000).every((chars) => chars === 0));
    // Released once: one scan of the block, then the run of A's costs what any run costs.
    assert.equal(perPush.filter((chars) => chars > CONTEXT + LONGEST_ADDRESS + 4).length, 1);
  });

  it('"-----BEGIN x" repeated (each BEGIN ending its hold as it grows too old) is released in batches', () => {
    const { perPush, total } = run(repeat(5_000, () => "-----BEGIN x"));
    const scans = perPush.filter((chars) => chars > 0).length;
    assert.ok(total <= 16 * 60_000, `scanned ${total} for 60000`);
    assert.ok(scans < 200, `${scans} scans`);
  });

  it('"eyJ." repeated, each segment the start of a JWT that the next dots rule out, is held no longer than an address', () => {
    const { perPush, maxHeld } = run(repeat(10_000, () => "eyJ."));
    assert.ok(maxHeld <= LONGEST_ADDRESS, `held ${maxHeld}`);
    assert.ok(Math.max(...perPush) <= CONTEXT + LONGEST_ADDRESS + 4);
  });

  it("without a tracker of its open matches, a detector's maxMatchLength still bounds the hold (the fallback)", () => {
    const { openMatches: _dropped, ...withoutTracker } = jwtDetector();
    const jwt = longJwt(3_000);
    const text = `a ${jwt} b`;
    const using = builtins.map((detector) => (detector.type === "JWT" ? withoutTracker : detector));
    assert.equal(run(randomPieces(random(5), text, 5), using).out, "a <JWT~1> b");
  });
});

describe("long entities split across pieces are still caught", () => {
  it("a JWT of any length, cut at many places, streams to the one-shot result", () => {
    for (const payload of [10, 400, 3_000, 11_000]) {
      const jwt = longJwt(payload);
      const text = `Bearer ${jwt}. Next: ${jwt.slice(0, 40)}`;
      const expected = oneShot(text);
      assert.ok(!expected.includes(jwt), `payload ${payload}`);
      const step = Math.max(1, Math.floor(text.length / 60));
      for (let cut = 0; cut <= text.length; cut += step) {
        assert.equal(
          run([text.slice(0, cut), text.slice(cut)]).out,
          expected,
          `payload ${payload}, cut at ${cut}`,
        );
      }
      for (let seed = 1; seed <= 5; seed++) {
        assert.equal(
          run(randomPieces(random(seed), text, 3)).out,
          expected,
          `payload ${payload}, seed ${seed}`,
        );
      }
    }
  });

  it("a JWT right after a segment that only looks like one is found in the stream as in the whole text", () => {
    const jwt = longJwt(40);
    const text = `see eyJub3QtYS1oZWFkZXI.${jwt} ok`;
    assert.deepEqual(
      detectAll(text, builtins).map((m) => text.slice(m.start, m.end)),
      [jwt],
    );
    for (let cut = 0; cut <= text.length; cut++) {
      assert.equal(run([text.slice(0, cut), text.slice(cut)]).out, oneShot(text), `cut at ${cut}`);
    }
  });

  it("a key abandoned halfway and written again is one match from the first BEGIN, in the stream as in the whole text", () => {
    const body = base64.slice(0, 64).replace(/(.{32})/g, "$1\n");
    const text = `-----BEGIN PRIVATE KEY-----\n${body}(cut off)\n\nAgain:\n-----BEGIN PRIVATE KEY-----\n${body}-----END PRIVATE KEY-----\nbye`;
    assert.equal(oneShot(text), "<PRIVATE_KEY~1>\nbye");
    for (const size of [1, 5, 40]) {
      for (let seed = 1; seed <= 5; seed++) {
        assert.equal(
          run(randomPieces(random(seed), text, size)).out,
          oneShot(text),
          `size ${size} seed ${seed}`,
        );
      }
    }
  });

  it("text mixing long runs with entities streams to the one-shot result, whatever the cuts", () => {
    const parts = [
      () => base64.slice(0, 900),
      () => "1 ".repeat(300),
      () => `${"1234 ".repeat(40)}4111 1111 1111 1111`,
      () => `7 ${"7 ".repeat(100)}555 123 4567`,
      () => longJwt(5_000),
      () => `-----BEGIN PRIVATE KEY-----\n${base64.slice(0, 2000)}\n-----END PRIVATE KEY-----`,
      () => "alice.smith@example.com",
      () => "the end.",
    ];
    for (let seed = 1; seed <= 60; seed++) {
      const rand = random(seed);
      let text = "";
      for (let i = 0; i < 5; i++)
        text += `${(parts[Math.floor(rand() * parts.length)] as () => string)()}${rand() < 0.5 ? " " : "\n"}`;
      assert.equal(
        run(randomPieces(rand, text, 1 + Math.floor(rand() * 6))).out,
        oneShot(text),
        `seed ${seed}`,
      );
    }
  });
});
