import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  builtinDetectors,
  compileCustomDetectors,
  type Detector,
  detectAll,
} from "../../extproc/src/pipeline/pii/detectors/index.ts";
import { readingVisibleText } from "../../extproc/src/pipeline/pii/detectors/visible-text.ts";

/**
 * The detectors read text as a person or a model reads it (detectors/visible-text.ts): a JSON
 * escape written out as text is a boundary and never part of a match; Unicode spaces, invisible
 * characters and fullwidth digits do not hide an entity. Every expectation is the exact substring
 * the match covers in the original text, which is the span the redactor replaces.
 */

const custom = compileCustomDetectors({
  patterns: [{ type: "EMPLOYEE_ID", pattern: "\\bEMP-\\d{6}\\b", max_length: 10 }],
  keywords: [{ type: "PROJECT_CODENAME", words: ["Project Bluebird", "Nightjar"] }],
});
const detectors = [...builtinDetectors(), ...custom.detectors];

function found(text: string, using: readonly Detector[] = detectors): string[] {
  return detectAll(text, using).map((m) => `${m.type}:${text.slice(m.start, m.end)}`);
}

const JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const GHP = "ghp_1234567890abcdefghijABCDEFGHIJ123456";
const SK = "sk-proj-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

// Text fields often hold JSON or logs as text: json.dumps output pasted into a message, a tool
// result. "\n" below is a backslash and an "n", as String.raw writes it.
const JSON_ESCAPE_CASES: [string, string, string[]][] = [
  [
    "a card, an SSN, an IBAN and an IP address after a written-out \\n",
    String.raw`{"note":"Card on file:\n4111111111111111\nSSN:\n123-45-6789\nIBAN:\nDE89370400440532013000\nhost:\n10.1.2.3"}`,
    [
      "CREDIT_CARD:4111111111111111",
      "US_SSN:123-45-6789",
      "IBAN:DE89370400440532013000",
      "IP_ADDRESS:10.1.2.3",
    ],
  ],
  [
    "a phone number after a written-out \\t",
    String.raw`{"note":"tel\t415-555-0134"}`,
    ["PHONE:415-555-0134"],
  ],
  [
    "secrets after a written-out \\n (their action is block: a miss forwards them)",
    String.raw`key:\nAKIAIOSFODNN7EXAMPLE tok:\n${GHP} tok:\n${SK} jwt:\n${JWT}`,
    ["AWS_ACCESS_KEY:AKIAIOSFODNN7EXAMPLE", `GITHUB_TOKEN:${GHP}`, `OPENAI_API_KEY:${SK}`, `JWT:${JWT}`],
  ],
  [
    "an address after \\n: the escape's letter is not part of the local part",
    String.raw`mail:\njane.doe@example.com`,
    ["EMAIL:jane.doe@example.com"],
  ],
  [
    "every one-letter escape: \\r\\n, \\b, \\f, \\t",
    String.raw`a\r\n4111111111111111\r\n b\b5555555555554444 c\f378282246310005 d\t123-45-6789`,
    [
      "CREDIT_CARD:4111111111111111",
      "CREDIT_CARD:5555555555554444",
      "CREDIT_CARD:378282246310005",
      "US_SSN:123-45-6789",
    ],
  ],
  [
    'the punctuation escapes \\", \\\\ and \\/ (already not part of a word)',
    String.raw`{\"to\":\"bob@example.com\",\"path\":\"C:\\4111111111111111\",\"u\":\"\/10.0.0.1\"}`,
    ["EMAIL:bob@example.com", "CREDIT_CARD:4111111111111111", "IP_ADDRESS:10.0.0.1"],
  ],
  [
    "a \\uXXXX escape right before an entity",
    String.raw`sep\u00204111111111111111 dash\u2014jane@example.com`,
    ["CREDIT_CARD:4111111111111111", "EMAIL:jane@example.com"],
  ],
  [
    "an escaped backslash before the letter (JSON text inside a JSON string)",
    String.raw`{\"note\":\"Card:\\n4111111111111111\"}`,
    ["CREDIT_CARD:4111111111111111"],
  ],
  [
    "no match starts inside an escape: the hex digits of \\u201c are not a local part",
    String.raw`\u201cbob@example.com\u201d and \u201c@example.com`,
    ["EMAIL:bob@example.com"],
  ],
  [
    "custom patterns and keyword lists after an escape",
    String.raw`ids:\nEMP-123456\tNightjar\nProject Bluebird`,
    ["EMPLOYEE_ID:EMP-123456", "PROJECT_CODENAME:Nightjar", "PROJECT_CODENAME:Project Bluebird"],
  ],
  [
    "escaped letters of an internationalized address (Python's ensure_ascii): the whole span, escapes included",
    String.raw`{"email": "j\u00fcrgen@m\u00fcnchen.de"}`,
    [String.raw`EMAIL:j\u00fcrgen@m\u00fcnchen.de`],
  ],
  [
    "an escaped non-breaking space between card groups (ensure_ascii): the whole span",
    String.raw`card 4111\u00a01111\u00a01111\u00a01111 ok`,
    [String.raw`CREDIT_CARD:4111\u00a01111\u00a01111\u00a01111`],
  ],
];

const LOOKALIKE_CASES: [string, string, string[]][] = [
  [
    "an address with a zero-width space before @ or a soft hyphen in the domain: the span includes them",
    "jane.doe\u200b@example.com, jane.doe@exam\u00adple.com.",
    ["EMAIL:jane.doe\u200b@example.com", "EMAIL:jane.doe@exam\u00adple.com"],
  ],
  [
    "a card with NBSP, thin or narrow spaces between its groups",
    "4111\u00a01111\u00a01111\u00a01111, 5555\u20095555\u20095555\u20094444, 3782\u202f822463\u202f10005",
    [
      "CREDIT_CARD:4111\u00a01111\u00a01111\u00a01111",
      "CREDIT_CARD:5555\u20095555\u20095555\u20094444",
      "CREDIT_CARD:3782\u202f822463\u202f10005",
    ],
  ],
  [
    "a card with zero-width characters between or inside its groups, not at its edges",
    "card:\u200b4111\u200b1111\u200b1111\u200b1111\u200b 5555\u206055555555\ufeff4444",
    ["CREDIT_CARD:4111\u200b1111\u200b1111\u200b1111", "CREDIT_CARD:5555\u206055555555\ufeff4444"],
  ],
  [
    "a card with dots between groups, in the printed 4-4-4-4 and 4-6-5 shapes",
    "4111.1111.1111.1111. Amex 3782.822463.10005",
    ["CREDIT_CARD:4111.1111.1111.1111", "CREDIT_CARD:3782.822463.10005"],
  ],
  [
    "a card in fullwidth digits, Luhn checked on the digits they stand for",
    "\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11 " +
      "\uff14\uff11\uff11\uff11\u3000\uff11\uff11\uff11\uff11\u3000\uff11\uff11\uff11\uff11\u3000\uff11\uff11\uff11\uff12",
    [
      "CREDIT_CARD:\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11",
    ],
  ],
  [
    "a phone number with NBSP, non-breaking hyphens or in fullwidth",
    "+1\u00a0415\u00a0555\u00a00134, 555\u2011123\u20114567, \uff10\uff13\uff0d\uff11\uff12\uff13\uff14\uff0d\uff15\uff16\uff17\uff18",
    [
      "PHONE:+1\u00a0415\u00a0555\u00a00134",
      "PHONE:555\u2011123\u20114567",
      "PHONE:\uff10\uff13\uff0d\uff11\uff12\uff13\uff14\uff0d\uff15\uff16\uff17\uff18",
    ],
  ],
  [
    "an SSN with dots (3-2-4) or in fullwidth digits",
    "SSN 123.45.6789; \uff11\uff12\uff13-\uff14\uff15-\uff16\uff17\uff18\uff19",
    ["US_SSN:123.45.6789", "US_SSN:\uff11\uff12\uff13-\uff14\uff15-\uff16\uff17\uff18\uff19"],
  ],
  [
    "an IBAN in lower case, spaced or compact, with the same length table and checksum",
    "de89 3704 0044 0532 0130 00 and gb82 west 1234 5698 7654 32, nl91abna0417164300.",
    ["IBAN:de89 3704 0044 0532 0130 00", "IBAN:gb82 west 1234 5698 7654 32", "IBAN:nl91abna0417164300"],
  ],
  [
    "an IBAN with NBSP between its groups",
    "DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000",
    ["IBAN:DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000"],
  ],
  [
    "an AWS key with a zero-width space inside",
    "AKIAIOSFODNN\u200b7EXAMPLE",
    ["AWS_ACCESS_KEY:AKIAIOSFODNN\u200b7EXAMPLE"],
  ],
  [
    "an OpenPGP private key block (and PGP 2's secret key block) is a PRIVATE_KEY",
    "key:\n-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0AAAABCAC7\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----\n" +
      "-----BEGIN PGP SECRET KEY BLOCK-----\nlQHYBF0A\n-----END PGP SECRET KEY BLOCK-----\n" +
      "-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQENBF0A\n-----END PGP PUBLIC KEY BLOCK-----",
    [
      "PRIVATE_KEY:-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0AAAABCAC7\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----",
      "PRIVATE_KEY:-----BEGIN PGP SECRET KEY BLOCK-----\nlQHYBF0A\n-----END PGP SECRET KEY BLOCK-----",
    ],
  ],
  [
    "a keyword with NBSP or a zero-width character inside",
    "Project\u00a0Bluebird, Night\u200bjar",
    ["PROJECT_CODENAME:Project\u00a0Bluebird", "PROJECT_CODENAME:Night\u200bjar"],
  ],
  [
    "a zero-width space at an entity's edge still separates it (Thai writes U+200B between words)",
    "\u0e1a\u0e31\u0e15\u0e23\u200b4111111111111111\u200b\u0e04\u0e48\u0e30",
    ["CREDIT_CARD:4111111111111111"],
  ],
];

const ORDINARY_TEXT: [string, string][] = [
  [
    "decimals and dotted numbers that are not a whole card shape",
    "4111.1111 4111.1111.1111 4111.111111.11111 3782.8224.6310.005",
  ],
  ["a dotted card shape inside a longer dotted run", "1.4111.1111.1111.1111 4111.1111.1111.1111.1111"],
  [
    "dotted 3-2-4 inside versions or with invalid ranges",
    "v1.123.45.6789 1.123.45.6789 123.45.6789.1 000.12.3456 123.00.4567",
  ],
  [
    "dates, times, UUIDs, ISBNs, prices and ratios",
    "2024-01-15 12:30:45.123 123e4567-e89b-12d3-a456-426614174000 978-3-16-148410-0 $1,234.56 3:2 16:9",
  ],
  ["numbers with NBSP or narrow thousands separators", "1\u202f234\u202f567,89 \u20ac and 12\u00a0345 km"],
  [
    "fullwidth dates, years and counts",
    "\uff12\uff10\uff12\uff14\u5e74\uff11\u6708\uff11\uff15\u65e5 \uff12\uff10\uff12\uff14\uff0d\uff10\uff11\uff0d\uff11\uff15 \uff11\uff12\uff13\uff14\uff15",
  ],
  [
    "mixed-case tokens shaped like an IBAN and lower-case ids",
    "De89370400440532013000 gb82WEST12345698765432 es2015 vs2019 py39 de12 be16a3c1f09e7d2b",
  ],
  [
    "file paths, escapes without an entity, and code",
    String.raw`C:\Users\nathan\notes.txt \n\t \u \uZZZZ \u2014\u2014 if (a\u00a0b) { return x\n; }`,
  ],
  ["invisible characters alone", "\u200b\u200c\u200d\u2060\ufeff\u00ad"],
];

describe("a JSON escape written out as text is a boundary, never part of a match", () => {
  for (const [name, text, expected] of JSON_ESCAPE_CASES) {
    it(name, () => assert.deepEqual(found(text), expected));
  }
});

describe("invisible and look-alike characters do not hide an entity", () => {
  for (const [name, text, expected] of LOOKALIKE_CASES) {
    it(name, () => assert.deepEqual(found(text), expected));
  }

  it("a keyword written with NBSP in the policy data matches a plain space in the text", () => {
    const { detectors: words } = compileCustomDetectors({
      patterns: [],
      keywords: [{ type: "CODENAME", words: ["Blue\u00a0Heron", "Red\u200bFox"], case_sensitive: true }],
    });
    assert.deepEqual(found("Blue Heron and RedFox", words), ["CODENAME:Blue Heron", "CODENAME:RedFox"]);
  });
});

describe("ordinary text stays untouched", () => {
  for (const [name, text] of ORDINARY_TEXT) {
    it(name, () => assert.deepEqual(found(text), []));
  }
});

describe("reading visible text stays linear and keeps the detector's contract", () => {
  const INPUTS: [string, string][] = [
    ["zero-width spaces", "\u200b".repeat(300_000)],
    ["digits split by zero-width spaces", "1\u200b".repeat(200_000)],
    ["written-out escapes", "\\n".repeat(200_000)],
    ["unicode escapes", "\\u0041".repeat(100_000)],
    ["fullwidth digits", "\uff11".repeat(300_000)],
    ["NBSP-separated digits", "1\u00a0".repeat(200_000)],
  ];
  for (const [name, text] of INPUTS) {
    it(`returns without findings for ${name} (${text.length} chars)`, () => {
      assert.deepEqual(detectAll(text, detectors), []);
    });
  }

  it("still finds an entity after a megabyte of zero-width-split digits", () => {
    const text = `${"9\u200b".repeat(500_000)} mail a@example.com`;
    assert.deepEqual(found(text), ["EMAIL:a@example.com"]);
  });

  it("returns one detector's matches sorted and disjoint when both views find overlapping spans", () => {
    const text =
      "mail\u200bjane@example.com and x\u200b4111111111111111 and 4111\u200b1111\u200b1111\u200b1111";
    for (const detector of detectors) {
      const matches = detector.detect(text);
      for (let i = 1; i < matches.length; i++) {
        assert.ok((matches[i - 1]?.end ?? 0) <= (matches[i]?.start ?? 0), detector.type);
      }
    }
  });

  it("passes every other member of the detector on (a stream tracker, for one)", () => {
    const extra = () => -1;
    const inner = { type: "T", maxMatchLength: 4, detect: () => [], extra };
    const wrapped = readingVisibleText(inner, false) as Detector & { extra?: unknown };
    assert.equal(wrapped.extra, extra);
    assert.equal(wrapped.maxMatchLength, 4);
  });
});
