import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BUILTIN_PII_TYPES,
  builtinDetectors,
  compileCustomDetectors,
  detectAll,
} from "../../extproc/src/pipeline/pii/detectors/index.ts";
import { seededRandom } from "../support/seeded-random.ts";

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
  ["not ips", "1.2.3.4.5 v1.2.3.4 999.1.1.1 01.02.03.04 std::vector :: 12:30:45 00:1a:2b:3c:4d:5e", []],
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

/**
 * Classes of misses found by the blind corpus (test/pii-blind): each row is one class, with the
 * near misses that must stay negative next to it.
 */
const CLASS_CASES: [string, string, string[]][] = [
  // CREDIT_CARD: Diners Club International is 300–305, 3095, 36, 38, 39 at 14–19 digits.
  [
    "cards: Diners Club 14–19 digits, 30/36/38/39",
    "3056 9300 0902 0004, 3852 000002 3237, 3600000000000008, 391234567890126, 3012345678901231",
    [
      "CREDIT_CARD:3056 9300 0902 0004",
      "CREDIT_CARD:3852 000002 3237",
      "CREDIT_CARD:3600000000000008",
      "CREDIT_CARD:391234567890126",
      "CREDIT_CARD:3012345678901231",
    ],
  ],
  // Maestro: 50 and 56–69 at 16–19 digits; the published IINs (5018, 5020, 5038, 5893, 6304, 6759,
  // 6761–6763) from 12 digits.
  [
    "cards: Maestro ranges and lengths",
    "6759-6498-2643-8453, 6771 7980 2100 0008, 6390-0000-1234-5679, 6799990100000000019, 5018000000000009, " +
      "501800000009, 5020000000003, 630412345678903, 589300000000000009, 6763000000007, 5600000000000003",
    [
      "CREDIT_CARD:6759-6498-2643-8453",
      "CREDIT_CARD:6771 7980 2100 0008",
      "CREDIT_CARD:6390-0000-1234-5679",
      "CREDIT_CARD:6799990100000000019",
      "CREDIT_CARD:5018000000000009",
      "CREDIT_CARD:501800000009",
      "CREDIT_CARD:5020000000003",
      "CREDIT_CARD:630412345678903",
      "CREDIT_CARD:589300000000000009",
      "CREDIT_CARD:6763000000007",
      "CREDIT_CARD:5600000000000003",
    ],
  ],
  [
    "not cards: short numbers outside the Maestro IINs, Luhn failures, IBAN tails, Diners at 13",
    "5600000000002, 670000000000, 6011000000001, 6759-6498-2643-8454, 5018000000000008, " +
      "DE51 5001 0517 5407 3249 31, 3095000000007",
    [],
  ],
  [
    "cards: unseparated number in parentheses, but not a parenthesised area code",
    "(4242424242424242) (378282246310005), [5555555555554444] (4111 1111 1111 1111) (555) 123-4567 (4242424242424241)",
    [
      "CREDIT_CARD:4242424242424242",
      "CREDIT_CARD:378282246310005",
      "CREDIT_CARD:5555555555554444",
      "CREDIT_CARD:4111 1111 1111 1111",
      "PHONE:(555) 123-4567",
    ],
  ],
  // Secrets win every overlap with a non-secret type, however long the other match is.
  [
    "secrets in URL credentials are secrets, not addresses",
    `git clone https://ghp_${"a1B2".repeat(9)}@github.com/acme/infra.git; ` +
      `https://gho_${"Zz9y".repeat(9)}@github.com/x; https://sk-proj-${"aB3_".repeat(10)}@api.example.com/v1`,
    [
      `GITHUB_TOKEN:ghp_${"a1B2".repeat(9)}`,
      `GITHUB_TOKEN:gho_${"Zz9y".repeat(9)}`,
      `OPENAI_API_KEY:sk-proj-${"aB3_".repeat(10)}`,
    ],
  ],
  // EMAIL: the whole RFC 5322 atext local part, and Unicode letters in local part and domain.
  [
    "email: every atext symbol in the local part",
    "to customer/department=shipping@example.com, $A12345@example.com, !def!xyz%abc@example.com, " +
      "user#tag@example.org, olga~ivanova@example.ru, a&b*c?d^e`f{g|h}i@example.net, _x@example.com",
    [
      "EMAIL:customer/department=shipping@example.com",
      "EMAIL:$A12345@example.com",
      "EMAIL:!def!xyz%abc@example.com",
      "EMAIL:user#tag@example.org",
      "EMAIL:olga~ivanova@example.ru",
      "EMAIL:a&b*c?d^e`f{g|h}i@example.net",
      "EMAIL:_x@example.com",
    ],
  ],
  [
    "email: internationalized local parts and domains",
    "müller@example.de, jürgen.müller@example.de oder info@münchen.de; почта@пример.рф; δοκιμή@παράδειγμα.δοκιμή",
    [
      "EMAIL:müller@example.de",
      "EMAIL:jürgen.müller@example.de",
      "EMAIL:info@münchen.de",
      "EMAIL:почта@пример.рф",
      "EMAIL:δοκιμή@παράδειγμα.δοκιμή",
    ],
  ],
  [
    "email: keys, URLs, markup and space-less scripts around an address are not part of it",
    "user=info@example.org ?a=1&email=bob@example.com **alice@example.com** `carol@example.com` " +
      "|dave@example.com| 'erin@example.com' https://frank@example.com/x 連絡先taro@example.jpです",
    [
      "EMAIL:info@example.org",
      "EMAIL:bob@example.com",
      "EMAIL:alice@example.com",
      "EMAIL:carol@example.com",
      "EMAIL:dave@example.com",
      "EMAIL:erin@example.com",
      "EMAIL:frank@example.com",
      "EMAIL:taro@example.jp",
    ],
  ],
  [
    "not emails: double dots, overlong local parts, userinfo passwords, package versions",
    `a..b@example.com ${"x".repeat(65)}@example.com https://u:p@example.com @types/node@20.1.0 img/hero@3x.jpg`,
    [],
  ],
  // PHONE: Brazilian national numbers, "(DD) NNNN-NNNN" and "(DD) 9NNNN-NNNN".
  [
    "phone: parenthesised two-digit area code",
    "(11) 91234-5678, (21) 2345-6789, +55 (11) 91234-5678",
    ["PHONE:(11) 91234-5678", "PHONE:(21) 2345-6789", "PHONE:+55 (11) 91234-5678"],
  ],
  [
    "not phones: wrong area code or subscriber shape",
    "(01) 2345-6789 (11) 81234-5678 (11) 1234-5678 (11) 2345-678",
    [],
  ],
  // IP_ADDRESS: the loopback, an address after a lone ':', versions named as such.
  [
    "ip: loopback and an address after a colon",
    "allow ::1; listen [::1]:80; value :2001:db8::1; here",
    ["IP_ADDRESS:::1", "IP_ADDRESS:::1", "IP_ADDRESS:2001:db8::1"],
  ],
  [
    "not ips: dotted quads named as versions",
    "version 1.2.3.4, Upgraded to 12.4.1.52, Build 23.10.1.7, release 10.0.0.1, updated to 4.3.2.1",
    [],
  ],
  [
    "ips: quads after other words stay addresses",
    "connect to 10.0.0.1, moved to 192.0.2.7, server 198.51.100.2",
    ["IP_ADDRESS:10.0.0.1", "IP_ADDRESS:192.0.2.7", "IP_ADDRESS:198.51.100.2"],
  ],
];

describe("built-in detectors", () => {
  for (const [name, text, expected] of [...CASES, ...CLASS_CASES]) {
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

  it("finds the same keywords when the list is too large for the dense table", () => {
    const listed = ["Bluebird", "blue", "Project Bluebird", "Ünïcode", "bird", "ebi"];
    const text = "project bluebird, BLUEBIRDS, blue bird, ünïcode; ebi xblue blue.";
    const random = seededRandom(11);
    // 30 000 twelve-letter words that never occur in the text push the table past its budget.
    const filler = Array.from({ length: 30_000 }, () =>
      Array.from({ length: 12 }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join(""),
    );
    const hits = (words: string[]) => {
      const { detectors: custom } = compileCustomDetectors({
        patterns: [],
        keywords: [{ type: "P", words }],
      });
      return detectAll(text, custom).map((m) => `${m.start}-${m.end}`);
    };
    const small = hits(listed);
    assert.deepEqual(
      small.map((span) => {
        const [start, end] = span.split("-").map(Number);
        return text.slice(start, end);
      }),
      ["project bluebird", "blue", "bird", "ünïcode", "ebi", "blue"],
    );
    assert.deepEqual(hits([...listed, ...filler]), small);
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
