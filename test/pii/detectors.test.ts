import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BUILTIN_PII_TYPES,
  builtinDetectors,
  compileCustomDetectors,
  detectAll,
} from "../../extproc/src/pipeline/pii/detectors/index.ts";

const detectors = builtinDetectors();

/** "TYPE:value" for every finding, so tables read like the text they test. */
function found(text: string): string[] {
  return detectAll(text, detectors).map((m) => `${m.type}:${text.slice(m.start, m.end)}`);
}

const JWT_IO =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const PEM =
  "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----";

const CASES: [string, string, string[]][] = [
  ["email", "write to jane.doe+x@mail.example.co.uk.", ["EMAIL:jane.doe+x@mail.example.co.uk"]],
  ["email without a tld or with a file extension", "a@b, icon@2x.png, lodash@4.17.21", []],
  ["email inside url userinfo is a password", "https://u:p4ss@example.com/x", []],
  ["phone NANP", "call (555) 123-4567 or 555.123.4567", ["PHONE:(555) 123-4567", "PHONE:555.123.4567"]],
  [
    "phone international",
    "+44 20 7946 0958, +49 30 123456, +14155550123",
    ["PHONE:+44 20 7946 0958", "PHONE:+49 30 123456", "PHONE:+14155550123"],
  ],
  [
    "phone national trunk 0",
    "UK 020 7946 0958, FR 01 23 45 67 89",
    ["PHONE:020 7946 0958", "PHONE:01 23 45 67 89"],
  ],
  [
    "not phones: versions, dates, timestamps, digits",
    "1.2.3 2024-01-15 2024-01-15T10:20:30Z 1234567890 #12345678",
    [],
  ],
  ["not phones: uuid tail, table columns", "123e4567-e89b-12d3-a456-426614174000 row 0865 097200 12", []],
  [
    "cards: vectors in every grouping",
    "4111 1111 1111 1111, 5555-5555-5555-4444, 378282246310005, 3782 822463 10005",
    [
      "CREDIT_CARD:4111 1111 1111 1111",
      "CREDIT_CARD:5555-5555-5555-4444",
      "CREDIT_CARD:378282246310005",
      "CREDIT_CARD:3782 822463 10005",
    ],
  ],
  [
    "cards: Luhn failure, unknown issuer, longer grouped number",
    "4111 1111 1111 1112 9111111111111111 1234 4111 1111 1111 1111",
    [],
  ],
  [
    "ssn: valid ranges, spaced, bare with context",
    "SSN 123-45-6789, 123 45 6789; ssn: 123456789",
    ["US_SSN:123-45-6789", "US_SSN:123 45 6789", "US_SSN:123456789"],
  ],
  [
    "ssn: invalid ranges and bare without context",
    "000-12-3456 666-12-3456 912-34-5678 123-00-4567 123-45-0000 order 123456789",
    [],
  ],
  [
    "iban: spaced and compact",
    "GB82 WEST 1234 5698 7654 32 and DE89370400440532013000",
    ["IBAN:GB82 WEST 1234 5698 7654 32", "IBAN:DE89370400440532013000"],
  ],
  ["iban: wrong checksum, wrong length", "GB83 WEST 1234 5698 7654 32 DE8937040044053201300", []],
  [
    "ipv4 and ipv6",
    "192.0.2.1:80 127.0.0.1 2001:db8::1 ::ffff:192.0.2.128 [fe80::1:2]:443",
    [
      "IP_ADDRESS:192.0.2.1",
      "IP_ADDRESS:127.0.0.1",
      "IP_ADDRESS:2001:db8::1",
      "IP_ADDRESS:::ffff:192.0.2.128",
      "IP_ADDRESS:fe80::1:2",
    ],
  ],
  ["not ips", "1.2.3.4.5 v1.2.3.4 999.1.1.1 01.02.03.04 std::vector ::1 12:30:45 00:1a:2b:3c:4d:5e", []],
  ["aws", "AKIAIOSFODNN7EXAMPLE XAKIAIOSFODNN7EXAMPLE", ["AWS_ACCESS_KEY:AKIAIOSFODNN7EXAMPLE"]],
  ["github", `ghp_${"a1B2".repeat(9)} ghp_short`, [`GITHUB_TOKEN:ghp_${"a1B2".repeat(9)}`]],
  [
    "openai vs anthropic",
    `sk-proj-${"aB3_".repeat(10)} sk-ant-api03-${"Xy9-".repeat(10)}`,
    [`OPENAI_API_KEY:sk-proj-${"aB3_".repeat(10)}`, `ANTHROPIC_API_KEY:sk-ant-api03-${"Xy9-".repeat(10)}`],
  ],
  ["sk- prose", "sk-learn sk-this-is-not-a-real-key-at-all", []],
  ["jwt, sentence dot excluded", `token ${JWT_IO}.`, [`JWT:${JWT_IO}`]],
  ["not jwt: no alg, not json", "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.abc eyJabc.def.ghi", []],
  ["pem block", `key:\n${PEM}\n`, [`PRIVATE_KEY:${PEM}`]],
  [
    "pem without end, public key",
    "-----BEGIN PRIVATE KEY-----\nabc -----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----",
    [],
  ],
];

describe("built-in detectors", () => {
  for (const [name, text, expected] of CASES) {
    it(`finds exactly the expected entities: ${name}`, () => assert.deepEqual(found(text), expected));
  }

  it("exposes the 12 built-in types, one detector each, with bounded match lengths", () => {
    assert.equal(BUILTIN_PII_TYPES.length, 12);
    assert.deepEqual(detectors.map((d) => d.type).sort(), [...BUILTIN_PII_TYPES].sort());
    for (const d of detectors) assert.ok(d.maxMatchLength > 0 && d.maxMatchLength <= 16 * 1024, d.type);
  });

  it("returns offsets only, sorted and non-overlapping", () => {
    const text = `mail a@example.com card 4111111111111111 ip 10.0.0.1 ${JWT_IO}`;
    const matches = detectAll(text, detectors);
    for (const m of matches) assert.deepEqual(Object.keys(m).sort(), ["end", "start", "type"]);
    for (let i = 1; i < matches.length; i++) {
      assert.ok((matches[i - 1]?.end ?? 0) <= (matches[i]?.start ?? 0));
    }
  });

  it("resolves overlaps by length, then by type priority", () => {
    const custom = compileCustomDetectors({
      patterns: [
        { type: "ACCOUNT", pattern: "4111 1111 1111 1111 XX" },
        { type: "CARDISH", pattern: "4111 1111 1111 1111" },
      ],
      keywords: [],
    });
    const text = "card 4111 1111 1111 1111 XX";
    assert.deepEqual(
      detectAll(text, [...detectors, ...custom.detectors]).map((m) => m.type),
      ["ACCOUNT"],
    );
    assert.deepEqual(
      detectAll("card 4111 1111 1111 1111", [...detectors, ...custom.detectors]).map((m) => m.type),
      ["CREDIT_CARD"],
    );
  });
});

describe("adversarial inputs stay linear", () => {
  const INPUTS: [string, string][] = [
    ["a@ repeated", "a@".repeat(100_000)],
    ["a million digits", "1".repeat(1_000_000)],
    ["long base64", Buffer.alloc(600_000, 0xab).toString("base64")],
    ["eyJ repeated", "eyJ".repeat(100_000)],
    ["eyJ. repeated", "eyJ.".repeat(100_000)],
    ["BEGIN without END", "-----BEGIN PRIVATE KEY-----\n".repeat(20_000)],
    ["dots", ".".repeat(500_000)],
    ["1. repeated", "1.".repeat(200_000)],
    ["digits and spaces", "1 ".repeat(200_000)],
    ["parentheses", "(1".repeat(200_000)],
    ["colons", "ab:".repeat(200_000)],
    ["sk- repeated", "sk-".repeat(200_000)],
    ["IBAN prefixes", "GB82".repeat(200_000)],
  ];
  for (const [name, text] of INPUTS) {
    it(`returns without findings for ${name} (${text.length} chars)`, () => {
      assert.deepEqual(detectAll(text, detectors), []);
    });
  }

  it("still finds an entity after a megabyte of digits", () => {
    const text = `${"9".repeat(1_000_000)} mail a@example.com`;
    assert.deepEqual(found(text), ["EMAIL:a@example.com"]);
  });
});

describe("custom rules", () => {
  it("compiles a pattern with the linear engine and finds its matches", () => {
    const { detectors: custom, errors } = compileCustomDetectors({
      patterns: [{ type: "EMPLOYEE_ID", pattern: "EMP-[0-9]{6}" }],
      keywords: [],
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(
      detectAll("ids EMP-123456 and EMP-12", custom).map((m) => [m.type, m.start, m.end]),
      [["EMPLOYEE_ID", 4, 14]],
    );
  });

  it("rejects a pattern that cannot run in linear time with a clear error, and keeps the others", () => {
    const { detectors: custom, errors } = compileCustomDetectors({
      patterns: [
        { type: "BACKREF", pattern: "(a+)\\1" },
        { type: "OK", pattern: "X[0-9]+" },
      ],
      keywords: [],
    });
    assert.equal(custom.length, 1);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? "", /BACKREF.*linear time/);
  });

  it("runs a catastrophic-backtracking pattern in linear time", () => {
    const { detectors: custom, errors } = compileCustomDetectors({
      patterns: [{ type: "EVIL", pattern: "(a+)+b" }],
      keywords: [],
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(detectAll("a".repeat(100_000), custom), []);
  });

  it("rejects empty-matching patterns, bad flags, bad and built-in type names", () => {
    const { detectors: custom, errors } = compileCustomDetectors({
      patterns: [
        { type: "EMPTY", pattern: "x*" },
        { type: "FLAGS", pattern: "x", flags: "g" },
        { type: "lower", pattern: "x" },
        { type: "EMAIL", pattern: "x" },
        { type: "TOO_LONG", pattern: "x", max_length: 0 },
      ],
      keywords: [{ type: "NONE", words: [] }],
    });
    assert.equal(custom.length, 0);
    assert.equal(errors.length, 6);
  });

  it("cuts a custom match at max_length so stream hold-back stays bounded", () => {
    const { detectors: custom } = compileCustomDetectors({
      patterns: [{ type: "CODE", pattern: "Z[0-9]+", max_length: 5 }],
      keywords: [],
    });
    assert.equal(custom[0]?.maxMatchLength, 5);
    assert.deepEqual(detectAll("Z123456789", custom), [{ type: "CODE", start: 0, end: 5 }]);
  });

  it("matches keywords as whole words, case-insensitively by default, leftmost-longest", () => {
    const { detectors: custom } = compileCustomDetectors({
      patterns: [],
      keywords: [
        { type: "PROJECT", words: ["Bluebird", "blue", "Project Bluebird", "Ünïcode"] },
        { type: "EXACT", words: ["Falcon"], case_sensitive: true },
      ],
    });
    const text = "project bluebird, BLUEBIRDS, blue, ünïcode; Falcon not falcon";
    assert.deepEqual(
      detectAll(text, custom).map((m) => `${m.type}:${text.slice(m.start, m.end)}`),
      ["PROJECT:project bluebird", "PROJECT:blue", "PROJECT:ünïcode", "EXACT:Falcon"],
    );
  });

  it("handles thousands of keywords in one pass", () => {
    const words = Array.from({ length: 5000 }, (_, i) => `codename${i}`);
    const { detectors: custom } = compileCustomDetectors({
      patterns: [],
      keywords: [{ type: "CODENAME", words }],
    });
    const text = `${"lorem ipsum codename ".repeat(50_000)} codename4999.`;
    assert.deepEqual(
      detectAll(text, custom).map((m) => text.slice(m.start, m.end)),
      ["codename4999"],
    );
  });
});
