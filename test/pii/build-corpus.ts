/**
 * Writes the labelled PII corpus (test/pii/corpus/*.jsonl) from public test vectors and seeded
 * synthetic sentences. Deterministic apart from the generated private keys, so re-running it
 * changes only those blocks. Run: node --import tsx test/pii/build-corpus.ts
 *
 * Each line: {"text": "...", "entities": [{"type", "start", "end"}]} with UTF-16 offsets. Every
 * value here is a documented example, a checksum-valid fabrication or a freshly generated key; none
 * belongs to anyone.
 */
import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CorpusEntity as Entity, CorpusLine as Line } from "../support/pii-corpus-line.ts";
import { seededRandom } from "../support/seeded-random.ts";

type Part = string | { type: string; value: string };

const random = seededRandom(20240115);
function int(min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}
function digits(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += int(0, 9);
  return s;
}
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function alnum(n: number, alphabet = ALNUM): string {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[int(0, alphabet.length - 1)];
  return s;
}

function line(...parts: Part[]): Line {
  let text = "";
  const entities: Entity[] = [];
  for (const part of parts) {
    if (typeof part === "string") {
      text += part;
    } else {
      entities.push({ type: part.type, start: text.length, end: text.length + part.value.length });
      text += part.value;
    }
  }
  return { text, entities };
}
const e = (type: string, value: string): Part => ({ type, value });

// ---------------------------------------------------------------- checksums
function luhnDigit(body: string): number {
  let sum = 0;
  for (let k = 0; k < body.length; k++) {
    let d = Number(body[body.length - 1 - k]);
    if (k % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}
function luhnValid(number: string): boolean {
  return luhnDigit(number.slice(0, -1)) === Number(number.at(-1));
}
function ibanCheck(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`;
  let remainder = 0;
  for (const ch of rearranged) {
    const v = /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return String(98 - remainder).padStart(2, "0");
}
function ibanValid(iban: string): boolean {
  const compact = iban.replaceAll(" ", "");
  return ibanCheck(compact.slice(0, 2), compact.slice(4)) === compact.slice(2, 4);
}
function groups4(s: string): string {
  return s.replace(/(.{4})(?=.)/g, "$1 ");
}

// ---------------------------------------------------------------- vocabulary
const FIRST = [
  "jane",
  "john",
  "maria",
  "li",
  "ahmed",
  "olga",
  "pierre",
  "sofia",
  "kenji",
  "amara",
  "lucas",
  "noah",
];
const LAST = [
  "doe",
  "smith",
  "garcia",
  "wang",
  "khan",
  "ivanova",
  "martin",
  "rossi",
  "tanaka",
  "okafor",
  "silva",
];
const DOMAINS = [
  "example.com",
  "example.org",
  "example.net",
  "mail.example.co.uk",
  "corp.example.de",
  "sub.example-company.io",
  "example.travel",
  "xn--bcher-kva.example",
];
const LEADS = [
  "Please contact ",
  "Customer wrote from ",
  "Forward the invoice to ",
  "My details: ",
  "Ticket #4312 reporter: ",
  "CC: ",
  "Sent from ",
  "",
];
const TAILS = [
  " if anything changes.",
  ".",
  " — thanks!",
  " (work)",
  ", see attached.",
  "",
  " tomorrow at 10:30.",
];

function email(): string {
  const f = pick(FIRST);
  const l = pick(LAST);
  const local = pick([
    `${f}.${l}`,
    `${f}_${l}`,
    `${f}${int(1, 99)}`,
    `${f[0]}.${l}+billing`,
    `${f}-${l}`,
    `${l}.${f}.${int(70, 99)}`,
  ]);
  return `${local}@${pick(DOMAINS)}`;
}

function phone(): string {
  const area = `${int(2, 9)}${digits(2)}`;
  const x = `${int(2, 9)}${digits(2)}`;
  const last = digits(4);
  return pick([
    () => `(${area}) ${x}-${last}`,
    () => `${area}-${x}-${last}`,
    () => `${area}.${x}.${last}`,
    () => `1-${area}-${x}-${last}`,
    () => `+1 ${area} ${x} ${last}`,
    () => `+1 (${area}) ${x}-${last}`,
    () => `+1${area}${x}${last}`,
    () => `+1-${area}-${x}-${last}`,
    () => `+44 20 7946 0${digits(3)}`,
    () => `+44 7700 900${digits(3)}`,
    () => `+44 (0)20 7946 0${digits(3)}`,
    () => `020 7946 0${digits(3)}`,
    () => `07700 900${digits(3)}`,
    () => `+49 30 ${digits(6)}`,
    () => `+49 89 ${digits(4)} ${digits(4)}`,
    () => `+49 151 ${digits(8)}`,
    () => `030 ${digits(7)}`,
    () => `+33 1 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
    () => `01 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
    () => `06.${digits(2)}.${digits(2)}.${digits(2)}.${digits(2)}`,
    () => `+91 98${digits(3)} ${digits(5)}`,
    () => `+81 3-${digits(4)}-${digits(4)}`,
    () => `+61 2 ${digits(4)} ${digits(4)}`,
    () => `+55 11 9${digits(4)}-${digits(4)}`,
    () => `+34 91 ${digits(3)} ${digits(2)} ${digits(2)}`,
    () => `+39 06 ${digits(4)} ${digits(4)}`,
    () => `+31 20 ${digits(3)} ${digits(4)}`,
    () => `+4930${digits(6)}`,
    () => `+8613${digits(9)}`,
  ])();
}
const PHONE_LEADS = [
  "Call me at ",
  "Phone: ",
  "Mobile ",
  "Reach the front desk on ",
  "tel ",
  "Her number is ",
  "Fax: ",
];

const CARD_VECTORS = [
  "4111111111111111",
  "4012888888881881",
  "4222222222222",
  "4242424242424242",
  "4000056655665556",
  "5555555555554444",
  "5105105105105100",
  "5200828282828210",
  "2223003122003222",
  "378282246310005",
  "371449635398431",
  "378734493671000",
  "6011111111111117",
  "6011000990139424",
  "3530111333300000",
  "3566002020360505",
  "30569309025904",
  "6200000000000005",
].filter(luhnValid);
const CARD_PREFIXES: [string, number][] = [
  ["4", 16],
  ["4", 19],
  ["51", 16],
  ["55", 16],
  ["2221", 16],
  ["2720", 16],
  ["34", 15],
  ["37", 15],
  ["6011", 16],
  ["645", 16],
  ["65", 19],
  ["3530", 16],
  ["3589", 19],
  ["36", 14],
  ["301", 14],
  ["62", 16],
  ["62", 19],
];
function cardNumber(): string {
  const [prefix, length] = pick(CARD_PREFIXES);
  const body = prefix + digits(length - prefix.length - 1);
  return body + luhnDigit(body);
}
function formatCard(n: string): string {
  const style = int(0, 2);
  if (style === 0) return n;
  const sep = style === 1 ? " " : "-";
  if (n.length === 15 && (n.startsWith("34") || n.startsWith("37")))
    return [n.slice(0, 4), n.slice(4, 10), n.slice(10)].join(sep);
  if (n.length === 14 && int(0, 1) === 0) return [n.slice(0, 4), n.slice(4, 10), n.slice(10)].join(sep);
  return n.replace(/(.{4})(?=.)/g, `$1${sep}`);
}
const CARD_LEADS = [
  "Card number ",
  "Charge it to ",
  "My Visa is ",
  "pay with ",
  "CC#: ",
  "card=",
  "The card ending is not enough, full number: ",
];

function ssn(): string {
  let area = int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, "0")}-${String(int(1, 99)).padStart(2, "0")}-${String(int(1, 9999)).padStart(4, "0")}`;
}

const IBAN_EXAMPLES = [
  "GB82 WEST 1234 5698 7654 32",
  "GB33BUKB20201555555555",
  "DE89 3704 0044 0532 0130 00",
  "FR14 2004 1010 0505 0001 3M02 606",
  "NL91 ABNA 0417 1643 00",
  "BE68 5390 0754 7034",
  "ES91 2100 0418 4502 0005 1332",
  "IT60 X054 2811 1010 0000 0123 456",
  "CH93 0076 2011 6238 5295 7",
  "AT61 1904 3002 3457 3201",
  "NO93 8601 1117 947",
  "SE45 5000 0000 0583 9825 7466",
  "DK50 0040 0440 1162 43",
  "FI21 1234 5600 0007 85",
  "PL61 1090 1014 0000 0712 1981 2874",
  "PT50 0002 0123 1234 5678 9015 4",
  "IE29 AIBK 9311 5212 3456 78",
  "LU28 0019 4006 4475 0000",
  "SA03 8000 0000 6080 1016 7519",
  "AE07 0331 2345 6789 0123 456",
  "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
  "GR16 0110 1250 0000 0001 2300 695",
  "CZ65 0800 0000 1920 0014 5399",
  "HU42 1177 3016 1111 1018 0000 0000",
  "RO49 AAAA 1B31 0075 9384 0000",
].filter(ibanValid);
const IBAN_LENGTHS: Record<string, number> = {
  DE: 22,
  GB: 22,
  FR: 27,
  ES: 24,
  IT: 27,
  NL: 18,
  BE: 16,
  CH: 21,
  AT: 20,
  PL: 28,
  SE: 24,
  NO: 15,
  IE: 22,
  PT: 25,
  LT: 20,
  HR: 21,
  SA: 24,
  TR: 26,
  BR: 29,
  KW: 30,
};
function iban(): string {
  const country = pick(Object.keys(IBAN_LENGTHS));
  const bban = digits((IBAN_LENGTHS[country] as number) - 4);
  const value = `${country}${ibanCheck(country, bban)}${bban}`;
  return int(0, 1) === 0 ? value : groups4(value);
}

function ipv4(): string {
  return pick([
    () => `192.0.2.${int(0, 255)}`,
    () => `198.51.100.${int(0, 255)}`,
    () => `203.0.113.${int(0, 255)}`,
    () => `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
    () => `172.${int(16, 31)}.${int(0, 255)}.${int(1, 254)}`,
    () => `192.168.${int(0, 255)}.${int(1, 254)}`,
    () => "127.0.0.1",
  ])();
}
function hex(n: number): string {
  return alnum(n, "0123456789abcdef").replace(/^0+(?=.)/, "");
}
function ipv6(): string {
  return pick([
    () => `2001:db8::${hex(4)}`,
    () => `2001:db8:${hex(4)}:${hex(4)}::${hex(3)}`,
    () => `2001:0db8:85a3:0000:0000:8a2e:0370:${hex(4).padStart(4, "1")}`,
    () => `2001:db8:0:0:1:0:0:${int(1, 9)}`,
    () => `fe80::${hex(4)}:${hex(4)}:${hex(4)}:${hex(4)}`,
    () => `::ffff:192.0.2.${int(1, 254)}`,
    () => `2001:db8::ff00:42:${int(1000, 9999)}`,
    () => `fd12:3456:789a:1::${int(1, 99)}`,
  ])();
}
const IP_LEADS = [
  "Server at ",
  "Blocked request from ",
  "ssh admin@",
  "Gateway IP: ",
  "GET / HTTP/1.1 from ",
  "peer=",
  "connect to [",
];

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}
const JWT_IO =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
function jwt(): string {
  const alg = pick(["HS256", "HS384", "RS256", "ES256", "PS512"]);
  const header = b64url(
    JSON.stringify(
      pick([
        { alg, typ: "JWT" },
        { typ: "JWT", alg },
        { alg, kid: alnum(8) },
      ]),
    ),
  );
  const payload = b64url(
    JSON.stringify({
      sub: digits(int(4, 12)),
      name: `${pick(FIRST)} ${pick(LAST)}`,
      iat: 1_700_000_000 + int(0, 1e7),
      admin: random() < 0.5,
    }),
  );
  const signature = b64url(
    createHmac("sha256", String(Math.floor(random() * 2 ** 32)))
      .update(`${header}.${payload}`)
      .digest(),
  );
  return `${header}.${payload}.${alg.startsWith("HS") ? signature : b64url(randomBytesSeeded(int(64, 256)))}`;
}
function randomBytesSeeded(n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = int(0, 255);
  return out;
}

function pem(label: string, bytes: number): string {
  const body = randomBytesSeeded(bytes)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .trim();
  return `-----BEGIN ${label}PRIVATE KEY-----\n${body}\n-----END ${label}PRIVATE KEY-----`;
}
function privateKeys(): string[] {
  const keys: string[] = [];
  for (let i = 0; i < 12; i++) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    keys.push(
      privateKey
        .export({ type: i % 2 === 0 ? "pkcs8" : "pkcs1", format: "pem" })
        .toString()
        .trim(),
    );
  }
  for (let i = 0; i < 10; i++) {
    const { privateKey } = generateKeyPairSync("ec", {
      namedCurve: i % 2 === 0 ? "prime256v1" : "secp384r1",
    });
    keys.push(
      privateKey
        .export({ type: i % 2 === 0 ? "sec1" : "pkcs8", format: "pem" })
        .toString()
        .trim(),
    );
  }
  for (let i = 0; i < 8; i++) {
    const { privateKey } = generateKeyPairSync("ed25519");
    keys.push(privateKey.export({ type: "pkcs8", format: "pem" }).toString().trim());
  }
  for (let i = 0; i < 10; i++) {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const passphrase = randomBytes(8).toString("hex");
    keys.push(
      privateKey
        .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase })
        .toString()
        .trim(),
    );
  }
  // node:crypto cannot write OpenSSH or traditional DSA PEM: shaped blocks with random bodies.
  for (let i = 0; i < 12; i++) keys.push(pem("OPENSSH ", int(300, 1200)));
  for (let i = 0; i < 8; i++) keys.push(pem("DSA ", int(400, 700)));
  return keys;
}

// ---------------------------------------------------------------- positives
function positives(): Line[] {
  const out: Line[] = [];
  for (let i = 0; i < 80; i++) out.push(line(pick(LEADS), e("EMAIL", email()), pick(TAILS)));
  out.push(
    line(
      "mailto:",
      e("EMAIL", "o'brien@example.ie"),
      " or <",
      e("EMAIL", "ops+alerts@status.example.com"),
      ">",
    ),
  );
  for (let i = 0; i < 90; i++) out.push(line(pick(PHONE_LEADS), e("PHONE", phone()), pick(TAILS)));
  for (const v of CARD_VECTORS)
    out.push(line(pick(CARD_LEADS), e("CREDIT_CARD", formatCard(v)), pick(TAILS)));
  for (const v of [
    "4111 1111 1111 1111",
    "5555 5555 5555 4444",
    "3782 822463 10005",
    "6011-1111-1111-1117",
  ]) {
    out.push(line("Test card ", e("CREDIT_CARD", v), " exp 12/29 cvc 123."));
  }
  for (let i = 0; i < 60; i++)
    out.push(line(pick(CARD_LEADS), e("CREDIT_CARD", formatCard(cardNumber())), pick(TAILS)));
  for (let i = 0; i < 50; i++)
    out.push(
      line(
        pick(["SSN ", "Social Security Number: ", "ssn=", "Employee SSN on file is ", "SSN: "]),
        e("US_SSN", ssn()),
        pick(TAILS),
      ),
    );
  for (let i = 0; i < 15; i++)
    out.push(line("Her social security number is ", e("US_SSN", ssn().replaceAll("-", " ")), "."));
  for (let i = 0; i < 15; i++)
    out.push(
      line(
        pick(["SSN: ", "ssn ", "Social security no. "]),
        e("US_SSN", ssn().replaceAll("-", "")),
        pick(TAILS),
      ),
    );
  for (const v of IBAN_EXAMPLES) out.push(line("Please wire the refund to IBAN ", e("IBAN", v), "."));
  for (const v of IBAN_EXAMPLES.slice(0, 12))
    out.push(line("iban=", e("IBAN", v.replaceAll(" ", "")), "&bic=DEUTDEFF"));
  for (let i = 0; i < 50; i++)
    out.push(
      line(pick(["Account: ", "IBAN ", "Bank details — ", "Send to "]), e("IBAN", iban()), pick(TAILS)),
    );
  for (let i = 0; i < 50; i++)
    out.push(
      line(
        pick(IP_LEADS),
        e("IP_ADDRESS", ipv4()),
        pick([":8443", " port 22", ".", " (internal)", "/24 subnet", "]"]),
      ),
    );
  for (let i = 0; i < 40; i++)
    out.push(
      line(
        pick(["Server at ", "peer ", "Blocked ", "connect to ["]),
        e("IP_ADDRESS", ipv6()),
        pick([" now.", "]:443", ".", " via eth0"]),
      ),
    );
  out.push(line("AWS docs use ", e("AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE"), " as the example key id."));
  for (let i = 0; i < 60; i++) {
    out.push(
      line(
        pick(["aws_access_key_id = ", "export AWS_ACCESS_KEY_ID=", "key: ", '"AccessKeyId": "']),
        e("AWS_ACCESS_KEY", `${pick(["AKIA", "ASIA"])}${alnum(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`),
        pick(["", '"', "\n"]),
      ),
    );
  }
  for (let i = 0; i < 35; i++)
    out.push(
      line(
        pick(["GITHUB_TOKEN=", "token ", "Authorization: Bearer "]),
        e("GITHUB_TOKEN", `gh${pick(["p", "o", "u", "s", "r"])}_${alnum(36)}`),
        pick(["", " expires soon", "\n"]),
      ),
    );
  for (let i = 0; i < 10; i++)
    out.push(
      line(
        "git clone https://x-access-token:",
        e("GITHUB_TOKEN", `ghs_${alnum(36)}`),
        "@github.com/org/repo.git",
      ),
    );
  for (let i = 0; i < 20; i++)
    out.push(line("fine-grained: ", e("GITHUB_TOKEN", `github_pat_${alnum(22)}_${alnum(59)}`), "."));
  for (let i = 0; i < 25; i++)
    out.push(line("OPENAI_API_KEY=", e("OPENAI_API_KEY", `sk-${alnum(20)}T3BlbkFJ${alnum(20)}`), ""));
  for (let i = 0; i < 25; i++)
    out.push(
      line(
        'client = OpenAI(api_key="',
        e("OPENAI_API_KEY", `sk-proj-${alnum(74, `${ALNUM}-_`)}T3BlbkFJ${alnum(74, `${ALNUM}-_`)}`),
        '")',
      ),
    );
  for (let i = 0; i < 12; i++)
    out.push(
      line(
        "service account ",
        e("OPENAI_API_KEY", `sk-svcacct-${alnum(60, `${ALNUM}-_`)}T3BlbkFJ${alnum(20)}`),
        " rotated.",
      ),
    );
  for (let i = 0; i < 60; i++)
    out.push(
      line(
        pick(["ANTHROPIC_API_KEY=", "x-api-key: ", "key "]),
        e("ANTHROPIC_API_KEY", `sk-ant-${pick(["api03", "admin01"])}-${alnum(93, `${ALNUM}-_`)}AA`),
        pick(["", " (prod)", "\n"]),
      ),
    );
  out.push(line("Example from jwt.io: ", e("JWT", JWT_IO), "."));
  for (let i = 0; i < 60; i++)
    out.push(
      line(
        pick(["Authorization: Bearer ", "id_token=", "cookie session=", "the token is "]),
        e("JWT", jwt()),
        pick(["", "; Path=/", ".", " — expired?"]),
      ),
    );
  for (const key of privateKeys())
    out.push(
      line(
        pick(["Here is the deploy key:\n", "```\n", "key.pem contents: ", ""]),
        e("PRIVATE_KEY", key),
        pick(["\n", "\n```", " please rotate it."]),
      ),
    );
  // Several types in one message, as prompts usually are.
  for (let i = 0; i < 40; i++) {
    out.push(
      line(
        `Customer ${pick(FIRST)} ${pick(LAST)} (`,
        e("EMAIL", email()),
        ", ",
        e("PHONE", phone()),
        ") paid with ",
        e("CREDIT_CARD", formatCard(cardNumber())),
        " from ",
        e("IP_ADDRESS", ipv4()),
        `; order ORD-${digits(6)} on 2024-0${int(1, 9)}-1${int(0, 9)}, refund to `,
        e("IBAN", iban()),
        ".",
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------- negatives
function uuid(): string {
  const h = (n: number) => alnum(n, "0123456789abcdef");
  return `${h(8)}-${h(4)}-4${h(3)}-${pick(["8", "9", "a", "b"])}${h(3)}-${h(12)}`;
}
function luhnFailing(): string {
  const n = cardNumber();
  const last = (Number(n.at(-1)) + int(1, 9)) % 10;
  return n.slice(0, -1) + last;
}
function badIban(): string {
  const good = iban().replaceAll(" ", "");
  const check = Number(good.slice(2, 4));
  const wrong = String(((check + int(1, 90) - 2) % 97) + 2).padStart(2, "0");
  return `${good.slice(0, 2)}${wrong === good.slice(2, 4) ? "00" : wrong}${good.slice(4)}`;
}
function invalidSsn(): string {
  return pick([
    () => `000-${digits(2).replace(/^00$/, "12")}-${int(1000, 9999)}`,
    () => `666-${int(10, 99)}-${int(1000, 9999)}`,
    () => `${int(900, 999)}-${int(10, 99)}-${int(1000, 9999)}`,
    () => `${int(100, 599)}-00-${int(1000, 9999)}`,
    () => `${int(100, 599)}-${int(10, 99)}-0000`,
  ])();
}

function negatives(): Line[] {
  const make: (() => string)[] = [
    () => `Request id ${uuid()} failed after 3 retries.`,
    () => `trace_id=${uuid()} span_id=${hex(16)}`,
    () =>
      `Order #${int(10_000_000, 99_999_999)} shipped on ${2020 + int(0, 5)}-0${int(1, 9)}-${int(10, 28)}.`,
    () => `Order number ORD-${digits(10)} is pending.`,
    () => `Invoice INV-${2020 + int(0, 5)}-${digits(6)} total $${int(10, 9999)}.${digits(2)}`,
    () => `commit ${hex(40).padStart(40, "a")} Merge pull request #${int(100, 9999)}`,
    () => `fixed in ${hex(7).padStart(7, "3")} and ${hex(12).padStart(12, "9")}`,
    () =>
      `Upgrade to v${int(0, 20)}.${int(0, 30)}.${int(0, 99)} (was ${int(0, 9)}.${int(0, 9)}.${int(0, 9)}-rc.${int(1, 5)})`,
    () => `python ${int(2, 3)}.${int(0, 12)}.${int(0, 9)}, numpy ${int(1, 2)}.${int(0, 26)}.${int(0, 4)}`,
    () => `Version ${int(1, 9)}.${int(0, 9)}.${int(0, 9)}.${int(0, 9)}.${int(0, 9)} is the build string.`,
    () => `OID 1.3.6.1.4.1.${int(1000, 99999)}.${int(1, 9)}`,
    () =>
      `Meeting on ${2020 + int(0, 5)}-${String(int(1, 12)).padStart(2, "0")}-${String(int(1, 28)).padStart(2, "0")} at ${int(10, 23)}:${int(10, 59)}.`,
    () =>
      `Timestamp ${2020 + int(0, 5)}-0${int(1, 9)}-1${int(0, 9)}T${int(10, 23)}:${int(10, 59)}:${int(10, 59)}.${digits(3)}Z`,
    () =>
      `logged at ${2020 + int(0, 5)}-0${int(1, 9)}-1${int(0, 9)} ${int(10, 23)}:${int(10, 59)}:${int(10, 59)},${digits(3)} INFO`,
    () =>
      `Due ${int(10, 28)}/${String(int(1, 12)).padStart(2, "0")}/${2020 + int(0, 5)} or ${String(int(1, 12)).padStart(2, "0")}.${int(10, 28)}.${2020 + int(0, 5)}`,
    () => `epoch ${1_600_000_000 + int(0, 1e8)} ms ${1_600_000_000_000 + int(0, 1e9)}`,
    () => `The number ${luhnFailing()} fails the Luhn check.`,
    () => `Card ${formatCard(luhnFailing())} was declined (invalid number).`,
    () => `Tracking number 1Z${alnum(6, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}${digits(10)}`,
    () => `Tracking ${int(7, 9)}${digits(15)} via ground.`,
    () => `Account IBAN ${badIban()} has a wrong checksum.`,
    () => `SSN ${invalidSsn()} is not a valid number.`,
    () =>
      `We sold ${int(1, 999)},${digits(3)},${digits(3)} units in ${2010 + int(0, 14)}, up ${int(1, 99)}.${int(0, 9)}%.`,
    () => `Population: ${digits(3)} ${digits(3)} ${digits(3)} (${2000 + int(0, 24)} census)`,
    () => `Price $${int(1, 9)},${digits(3)}.${digits(2)}; SKU ${digits(12)}`,
    () => `ISBN 978-${int(0, 9)}-${digits(2)}-${digits(6)}-${int(0, 9)}`,
    () => `sha256: ${hex(64).padStart(64, "e")}`,
    () => `md5 ${hex(32).padStart(32, "c")} ok`,
    () => `payload ${randomBytesSeeded(int(40, 200)).toString("base64")}`,
    () => `data:image/png;base64,${randomBytesSeeded(int(60, 300)).toString("base64")}`,
    () => `header eyJ${alnum(30)}.not.a.jwt and eyJzdWIiOiIxIn0.${alnum(20)}.${alnum(20)}`,
    () => `eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.${alnum(30)} has no alg`,
    () =>
      `Use sk-learn or the sk-${pick(["based", "like", "style"])} estimators; sk-this-is-not-a-real-key-at-all.`,
    () => `Config sk-placeholder-your-key-here and sk-ant-... truncated`,
    () => `Address ${int(256, 999)}.${int(0, 255)}.${int(0, 255)}.${int(0, 255)} is out of range.`,
    () => `Bad host 999.1.1.1 and 01.02.03.04 and 1.2.3`,
    () => `Leading zeros 010.001.001.001 are not parsed.`,
    () => `icon@2x.png, logo@3x.jpg and lodash@4.17.${int(0, 21)}`,
    () => `npm i @types/node@20.${int(0, 19)}.${int(0, 30)} and git@v2`,
    () => `std::vector<int> v; foo::bar(); a::b and Foo::Baz::qux`,
    () => `Lap times ${int(10, 59)}:${int(10, 59)}:${int(10, 59)} and ${int(10, 59)}:${int(10, 59)}`,
    () => `MAC 00:1a:2b:${hex(2).padStart(2, "3")}:4d:5e on eth0`,
    () => `Call extension ${int(100, 9999)} or room ${int(100, 999)}.`,
    () => `phone ${digits(10)} was not formatted`,
    () => `Ticket 555-1234 and build 2024.01.15.1`,
    () => `Coordinates ${int(10, 89)}.${digits(6)}, -${int(10, 179)}.${digits(6)}`,
    () => `Matrix ${int(10, 99)} ${int(10, 99)} ${int(10, 99)} ${int(10, 99)} ${int(10, 99)} ${int(10, 99)}`,
    () => `Row: 0${digits(3)} ${digits(6)} ${digits(4)} ${int(10, 99)}.${digits(2)}`,
    () => `Employee id E-${digits(6)}, badge ${digits(5)}, floor ${int(1, 40)}`,
    () => `Zip ${digits(5)}-${digits(4)} and postcode SW1A 1AA`,
    () => `user at example dot com, or "name [at] example.org"`,
    () => `email me: not-an-email@ or @handle or a@b`,
    () =>
      `AKIA${alnum(10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")} is too short and XAKIA${alnum(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")}X is glued`,
    () => `ghp_short and gh_${alnum(36)} are not tokens`,
    () => `-----BEGIN PUBLIC KEY-----\n${randomBytesSeeded(90).toString("base64")}\n-----END PUBLIC KEY-----`,
    () =>
      `-----BEGIN CERTIFICATE-----\n${randomBytesSeeded(120).toString("base64")}\n-----END CERTIFICATE-----`,
    () => `-----BEGIN RSA PRIVATE KEY----- (truncated, no end line)`,
    () => `Semantic version ${int(1, 9)}.${int(0, 99)}.${int(0, 99)}-beta.${int(1, 9)}+build.${digits(4)}`,
    () =>
      `Page ${int(1, 300)} of ${int(300, 999)}; chapter ${int(1, 9)}.${int(1, 9)}.${int(1, 9)}.${int(1, 9)}.${int(1, 9)}`,
    () => `Serial SN${digits(12)} / lot ${digits(4)}-${digits(4)}-${digits(4)}`,
    () => `Reference ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)} on the statement`,
  ];
  const out: Line[] = [];
  for (let round = 0; round < 8; round++) for (const f of make) out.push({ text: f(), entities: [] });
  // Hard negatives next to real entities: the entity must be found exactly, the rest not.
  for (let i = 0; i < 40; i++) {
    out.push(
      line(
        `v${int(1, 9)}.${int(0, 9)}.${int(0, 9)} deployed to `,
        e("IP_ADDRESS", ipv4()),
        ` at ${2020 + int(0, 5)}-0${int(1, 9)}-1${int(0, 9)}T10:00:00Z by `,
        e("EMAIL", email()),
        ` (${uuid()})`,
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------- read as written (fixed lines)
// JSON written out as text (a tool result: "\n" is a backslash and an "n"), and entities with
// Unicode spaces, invisible characters or fullwidth digits in them. Fixed values, no random draw,
// so the seeded lines above stay as they are.
const PGP_BLOCK =
  "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGZpc2gBCADK3q1V9fTm0aQx7sZr2cUu8J1y\n=Zx9q\n-----END PGP PRIVATE KEY BLOCK-----";
const FW = (digits: string) => digits.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));

function readAsWrittenPositives(): Line[] {
  return [
    line(String.raw`{"note":"Card on file:\n`, e("CREDIT_CARD", "4111111111111111"), `"}`),
    line(String.raw`{"note":"SSN:\n`, e("US_SSN", "123-45-6789"), String.raw`\n"}`),
    line(String.raw`{"note":"tel\t`, e("PHONE", "415-555-0134"), `"}`),
    line(String.raw`{"note":"mail:\n`, e("EMAIL", "jane.doe@example.com"), `"}`),
    line(String.raw`{"note":"IBAN:\n`, e("IBAN", "DE89370400440532013000"), `"}`),
    line(String.raw`{"note":"host:\n`, e("IP_ADDRESS", "10.1.2.3"), String.raw`\r\n"}`),
    line(String.raw`{"note":"key:\n`, e("AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE"), `"}`),
    line(String.raw`{"note":"tok:\n`, e("GITHUB_TOKEN", "ghp_1234567890abcdefghijABCDEFGHIJ123456"), `"}`),
    line(
      String.raw`{"note":"tok:\n`,
      e("OPENAI_API_KEY", "sk-proj-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
      `"}`,
    ),
    line(
      String.raw`{"env":"ANTHROPIC_API_KEY=\r\n`,
      e("ANTHROPIC_API_KEY", `sk-ant-api03-${"Xy9-".repeat(10)}`),
      `"}`,
    ),
    line(String.raw`{"auth":"Bearer\t`, e("JWT", JWT_IO), `"}`),
    line(String.raw`{\"note\":\"Card:\\n`, e("CREDIT_CARD", "5555555555554444"), String.raw`\"}`),
    line(
      String.raw`sep\u0020`,
      e("CREDIT_CARD", "378282246310005"),
      String.raw`\u2014`,
      e("EMAIL", "bob@example.org"),
    ),
    line(`{"email": "`, e("EMAIL", String.raw`j\u00fcrgen@m\u00fcnchen.de`), `"}`),
    line(
      "Reply to ",
      e("EMAIL", "jane.doe\u200b@example.com"),
      " or ",
      e("EMAIL", "li.wang@exam\u00adple.org"),
      ".",
    ),
    line("Card ", e("CREDIT_CARD", "4111\u00a01111\u00a01111\u00a01111"), ", exp 01/28"),
    line("Card ", e("CREDIT_CARD", "5555\u200b5555\u200b5555\u200b4444"), " on file"),
    line(
      "Card ",
      e("CREDIT_CARD", "4111.1111.1111.1111"),
      " and Amex ",
      e("CREDIT_CARD", "3782.822463.10005"),
      ".",
    ),
    line("\u30ab\u30fc\u30c9\uff1a", e("CREDIT_CARD", FW("4111111111111111")), "\u3002"),
    line(
      "Call ",
      e("PHONE", "+1\u00a0415\u00a0555\u00a00134"),
      " or ",
      e("PHONE", "555\u2011123\u20114567"),
      ".",
    ),
    line("\u96fb\u8a71\uff1a", e("PHONE", `${FW("03")}\uff0d${FW("1234")}\uff0d${FW("5678")}`), "\u3002"),
    line(
      "SSN ",
      e("US_SSN", "123.45.6789"),
      " and ",
      e("US_SSN", `${FW("219")}-${FW("09")}-${FW("9999")}`),
      ".",
    ),
    line("IBAN ", e("IBAN", "de89 3704 0044 0532 0130 00"), " and ", e("IBAN", "nl91abna0417164300"), "."),
    line("IBAN ", e("IBAN", "DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000"), " (Germany)"),
    line("key ", e("AWS_ACCESS_KEY", "AKIAIOSFODNN\u200b7EXAMPLE"), " leaked"),
    line("backup:\n", e("PRIVATE_KEY", PGP_BLOCK), "\n"),
    line(String.raw`{"log":"peer\t`, e("IP_ADDRESS", "2001:db8::1"), String.raw`\tup"}`),
  ];
}

function readAsWrittenNegatives(): Line[] {
  return [
    {
      text: "Totals 4111.1111 and 4111.1111.1111; v1.123.45.6789 shipped; build 4111.1111.1111.1111.1111",
      entities: [],
    },
    { text: "Prices 1\u202f234,56 \u20ac and 12\u00a0345 km; ratio 16:9; 3.14159.26535", entities: [] },
    {
      text: `Dates ${FW("2024")}\uff0d${FW("01")}\uff0d${FW("15")} and ${FW("2024")}\u5e74${FW("1")}\u6708`,
      entities: [],
    },
    { text: String.raw`C:\Users\nathan\notes.txt and \u2014\u2014 and \t\t and \uZZZZ`, entities: [] },
    { text: "De89370400440532013000 gb82WEST12345698765432 es2015 vs2019 py39", entities: [] },
    { text: "span be16a3c1f09e7d2b trace ad12f0e9d8c7b6a5f4e3d2c1", entities: [] },
    { text: String.raw`{"msg":"line1\nline2\tcol\u00e9 ok","n":12345,"v":"1.2.3"}`, entities: [] },
    { text: "\u200bsoft\u00adhyphen\u200cand\u200djoiners\u2060only\ufeff", entities: [] },
  ];
}

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, "corpus");
mkdirSync(dir, { recursive: true });
const write = (name: string, lines: Line[]) =>
  writeFileSync(join(dir, name), `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
write("positives.jsonl", [...positives(), ...readAsWrittenPositives()]);
write("negatives.jsonl", [...negatives(), ...readAsWrittenNegatives()]);
console.log(`wrote ${dir}`);
