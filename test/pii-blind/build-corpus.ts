/**
 * Builds test/pii-blind/corpus.jsonl: an independent labelled corpus, written without reading the
 * detector implementation. Every offset is computed here (tagged templates record where each
 * labelled value lands); nothing is counted by hand. Checksummed values (Luhn, IBAN mod-97) are
 * verified or computed below, so a label never rests on a memorised number.
 *
 * Line format: {"text", "entities": [{type,start,end}], "dontcare"?: [{start,end,note}]}.
 * A `dontcare` span is genuinely debatable (e.g. an AWS *secret* key, a PEM header without body):
 * a finding overlapping it counts neither as a hit nor as a false positive.
 *
 * Documented calls: `user@localhost` and other TLD-less `user@host` are NOT emails (negative);
 * `1.2.3.4` printed as a version number IS counted as a negative (the brief asks so; flagged as
 * debatable in the report); bare 9-digit SSNs and bare 10-digit US numbers are left out entirely.
 *
 * Run: node --import tsx test/pii-blind/build-corpus.ts
 * PEM keys come from node:crypto and change on every run; everything else is seeded.
 */
import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom } from "../support/seeded-random.ts";

interface Span {
  type: string;
  start: number;
  end: number;
}
interface DontCare {
  start: number;
  end: number;
  note: string;
}
interface Line {
  text: string;
  entities: Span[];
  dontcare?: DontCare[];
  tag: string;
}
interface Mark {
  kind: "mark";
  type: string;
  value: string;
}

// ---------- seeded randomness ----------
const rand = seededRandom(0x5eed1234);
const randInt = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
function pick<T>(a: readonly T[]): T {
  const v = a[Math.floor(rand() * a.length)];
  if (v === undefined) throw new Error("pick from empty array");
  return v;
}
function randStr(alphabet: string, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}
const DIGITS = "0123456789";
const HEX = "0123456789abcdef";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM = `${UPPER}abcdefghijklmnopqrstuvwxyz${DIGITS}`;
const B64URL = `${ALNUM}-_`;

// ---------- line assembly ----------
const m = (type: string, value: string): Mark => ({ kind: "mark", type, value });
/** A debatable span: findings overlapping it are ignored. */
const dc = (note: string, value: string): Mark => ({ kind: "mark", type: `#dontcare:${note}`, value });

function L(tag: string) {
  return (strings: TemplateStringsArray, ...vals: (Mark | string)[]): Line => {
    let text = "";
    const entities: Span[] = [];
    const dontcare: DontCare[] = [];
    strings.forEach((s, i) => {
      text += s;
      if (i >= vals.length) return;
      const v = vals[i];
      if (v === undefined) return;
      if (typeof v === "string") {
        text += v;
        return;
      }
      const start = text.length;
      text += v.value;
      if (v.type.startsWith("#dontcare:")) dontcare.push({ start, end: text.length, note: v.type.slice(10) });
      else entities.push({ type: v.type, start, end: text.length });
    });
    const line: Line = { text, entities, tag };
    if (dontcare.length > 0) line.dontcare = dontcare;
    return line;
  };
}

const lines: Line[] = [];
const add = (l: Line): void => {
  lines.push(l);
};

// ---------- checksums ----------
function luhnValid(num: string): boolean {
  let sum = 0;
  for (let i = 0; i < num.length; i++) {
    let d = Number(num[num.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
function luhnComplete(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error("unreachable");
}
function mod97(s: string): number {
  let r = 0;
  for (const ch of s) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const c of v) r = (r * 10 + Number(c)) % 97;
  }
  return r;
}
function ibanWithCheck(cc: string, bban: string): string {
  const check = 98 - mod97(`${bban}${cc}00`);
  return `${cc}${String(check).padStart(2, "0")}${bban}`;
}
const ibanValid = (iban: string): boolean => mod97(iban.slice(4) + iban.slice(0, 4)) === 1;

// ---------- formatting ----------
function groupCard(num: string, sep: string): string {
  const len = num.length;
  let sizes: number[];
  if (len === 15) sizes = [4, 6, 5];
  else if (len === 14) sizes = [4, 6, 4];
  else if (len === 19) sizes = [4, 4, 4, 4, 3];
  else if (len === 16) sizes = [4, 4, 4, 4];
  else return num;
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) {
    out.push(num.slice(i, i + n));
    i += n;
  }
  return out.join(sep);
}
const group4 = (s: string): string => s.replace(/(.{4})(?=.)/g, "$1 ");

// =====================================================================================
// CREDIT_CARD — public test numbers (Stripe, Adyen, PayPal/Braintree docs), each Luhn-checked.
// =====================================================================================
const cardList: [string, string][] = [
  ["visa", "4242424242424242"],
  ["visa", "4111111111111111"],
  ["visa", "4012888888881881"],
  ["visa", "4000056655665556"],
  ["visa", "4000002500003155"],
  ["visa", "4000000000003220"],
  ["visa", "4111111145551142"],
  ["visa", "4988438843884305"],
  ["visa", "4166676667666746"],
  ["visa", "4646464646464644"],
  ["visa", "4444333322221111"],
  ["visa13", "4222222222222"],
  ["mc", "5555555555554444"],
  ["mc", "2223003122003222"],
  ["mc", "5200828282828210"],
  ["mc", "5105105105105100"],
  ["mc", "2222400070000005"],
  ["mc", "5454545454545454"],
  ["mc", "5425233430109903"],
  ["amex", "378282246310005"],
  ["amex", "371449635398431"],
  ["amex", "378734493671000"],
  ["amex", "370000000000002"],
  ["amex", "340000000000009"],
  ["discover", "6011111111111117"],
  ["discover", "6011000990139424"],
  ["discover", "6011981111111113"],
  ["discover", "6445644564456445"],
  ["diners", "3056930009020004"],
  ["diners14", "36227206271667"],
  ["diners14", "30569309025904"],
  ["diners14", "38520000023237"],
  ["jcb", "3566002020360505"],
  ["jcb", "3530111333300000"],
  ["jcb", "3566111111111113"],
  ["unionpay", "6200000000000005"],
  ["unionpay", "6250941006528599"],
  ["unionpay19", "6205500000000000004"],
  ["maestro", "6759649826438453"],
  ["maestro19", "6799990100000000019"],
  ["maestro", "6771798021000008"],
];
const cards: [string, string][] = [];
for (const [kind, num] of cardList) if (luhnValid(num)) cards.push([kind, num]);
// 19-digit Visa and a few more 19-digit / 16-digit numbers completed with a Luhn check digit.
cards.push(["visa19", luhnComplete("401288888888188")]); // 16 → not 19; keep shape below
cards.pop();
cards.push(["visa19", luhnComplete("400000000000000000")]);
cards.push(["visa19", luhnComplete("411111111111111111")]);
cards.push(["visa19", luhnComplete("424242424242424242")]);
cards.push(["mc", luhnComplete("222100000000000")]);
cards.push(["mc", luhnComplete("272099000000000")]);
cards.push(["unionpay19", luhnComplete("621234567890123456")]);
cards.push(["maestro", luhnComplete("639000001234567")]);

const cardTemplates: ((v: Mark) => Line)[] = [
  (v) => L("card")`Customer says the charge on card ${v} failed twice, can you check?`,
  (v) => L("card")`order_id,customer,card,amount\nORD-88213,Jane Roe,${v},49.99`,
  (v) => L("card")`{"payment_method": {"type": "card", "number": "${v}", "exp": "12/34", "cvc": "123"}}`,
  (v) => L("card")`| Name | Card | Exp |\n|---|---|---|\n| A. Smith | ${v} | 04/29 |`,
  (v) => L("card")`Hola, mi tarjeta es ${v}, caduca 09/27. ¿Pueden reembolsar?`,
  (v) => L("card")`Meine Kreditkartennummer lautet ${v}.`,
  (v) => L("card")`2024-03-02T11:22:33Z WARN payment declined pan=${v} reason=insufficient_funds`,
  (v) => L("card")`カード番号：${v}（有効期限 01/28）`,
  (v) => L("card")`test("charges card", () => { pay("${v}"); });`,
  (v) => L("card")`${v}`,
  (v) => L("card")`🚨 refund pls — card (${v}) was charged €120`,
];
let ci = 0;
for (const [, num] of cards) {
  const fmts = [num, groupCard(num, " "), groupCard(num, "-")];
  const fmt = fmts[ci % 3] ?? num;
  const t = cardTemplates[ci % cardTemplates.length];
  if (t) add(t(m("CREDIT_CARD", fmt)));
  ci++;
}

// =====================================================================================
// IBAN — BBANs from published examples; the check digits are computed, lengths asserted.
// =====================================================================================
const ibanLen: Record<string, number> = {
  GB: 22,
  NL: 18,
  FR: 27,
  IT: 27,
  MT: 31,
  SA: 24,
  BR: 29,
  DE: 22,
  ES: 24,
  BE: 16,
  AT: 20,
  CH: 21,
  PL: 28,
  SE: 24,
  NO: 15,
  DK: 18,
  FI: 18,
  IE: 22,
  PT: 25,
  LU: 20,
  GR: 27,
  CY: 28,
  HU: 28,
  CZ: 24,
  SK: 24,
  RO: 24,
  BG: 22,
  HR: 21,
  SI: 19,
  LT: 20,
  LV: 21,
  EE: 20,
  IS: 26,
  TR: 26,
  AE: 23,
  KW: 30,
  QA: 29,
  IL: 23,
  MU: 30,
  GI: 23,
  LI: 21,
  MC: 27,
  SM: 27,
  PK: 24,
  JO: 30,
  UA: 29,
  CR: 22,
  AD: 24,
};
const bbans: [string, string][] = [
  ["GB", "WEST12345698765432"],
  ["GB", "BUKB20201555555555"],
  ["NL", "ABNA0417164300"],
  ["NL", "RABO0300065264"],
  ["FR", "20041010050500013M02606"],
  ["FR", "30006000011234567890189"],
  ["IT", "X0542811101000000123456"],
  ["MT", "MALT011000012345MTLCAST001S"],
  ["SA", "80000000608010167519"],
  ["BR", "00360305000010009795493P1"],
  ["BR", "00360305000010009795493C1"],
  ["DE", "370400440532013000"],
  ["DE", "500105175407324931"],
  ["ES", "21000418450200051332"],
  ["BE", "539007547034"],
  ["AT", "1904300234573201"],
  ["CH", "00762011623852957"],
  ["PL", "109010140000071219812874"],
  ["SE", "50000000058398257466"],
  ["NO", "86011117947"],
  ["DK", "00400440116243"],
  ["FI", "12345600000785"],
  ["IE", "AIBK93115212345678"],
  ["PT", "000201231234567890154"],
  ["LU", "0019400644750000"],
  ["GR", "01101250000000012300695"],
  ["CY", "002001280000001200527600"],
  ["HU", "117730161111101800000000"],
  ["CZ", "08000000192000145399"],
  ["SK", "12000000198742637541"],
  ["RO", "AAAA1B31007593840000"],
  ["BG", "BNBG96611020345678"],
  ["HR", "10010051863000160"],
  ["SI", "263300012039086"],
  ["LT", "1000011101001000"],
  ["LV", "BANK0000435195001"],
  ["EE", "2200221020145685"],
  ["IS", "0159260076545510730339"],
  ["TR", "0006100519786457841326"],
  ["AE", "0331234567890123456"],
  ["KW", "CBKU0000000000001234560101"],
  ["QA", "DOHB00001234567890ABCDEFG"],
  ["IL", "0108000000099999999"],
  ["MU", "BOMM0101101030300200000MUR"],
  ["GI", "NWBK000000007099453"],
  ["LI", "088100002324013AA"],
  ["MC", "11222000010123456789030"],
  ["SM", "U0322509800000000270100"],
  ["PK", "SCBL0000001123456702"],
  ["JO", "CBJO0010000000000131000302"],
  ["UA", "3223130000026007233566001"],
  ["CR", "015202001026284066"],
  ["AD", "00012030200359100100"],
];
const ibans: string[] = [];
for (const [cc, bban] of bbans) {
  const iban = ibanWithCheck(cc, bban);
  if (iban.length !== ibanLen[cc]) throw new Error(`IBAN length ${cc}: ${iban.length}`);
  if (!ibanValid(iban)) throw new Error(`IBAN check ${iban}`);
  ibans.push(iban);
}
const ibanTemplates: ((v: Mark) => Line)[] = [
  (v) => L("iban")`Please wire the deposit to IBAN ${v} (beneficiary: ACME GmbH).`,
  (v) => L("iban")`Bitte überweisen Sie den Betrag auf ${v}, Verwendungszweck RE-2024-118.`,
  (v) => L("iban")`Merci de régler la facture sur le compte ${v} avant le 15/02.`,
  (v) => L("iban")`{"beneficiary":"Jan de Vries","iban":"${v}","bic":"ABNANL2A"}`,
  (v) => L("iban")`supplier;iban;currency\nNordwind BV;${v};EUR`,
  (v) => L("iban")`| vendor | IBAN |\n|---|---|\n| Rossi Srl | ${v} |`,
  (v) => L("iban")`IBAN:${v}`,
  (v) => L("iban")`Can you check why the SEPA transfer to ${v} bounced?`,
];
ibans.forEach((iban, i) => {
  const fmt = i % 2 === 0 ? group4(iban) : iban;
  const t = ibanTemplates[i % ibanTemplates.length];
  if (t) add(t(m("IBAN", fmt)));
});

// =====================================================================================
// US_SSN — valid ranges only: area 001-665, 667-899; group 01-99; serial 0001-9999.
// =====================================================================================
const ssns: string[] = [];
while (ssns.length < 44) {
  const area = randInt(1, 899);
  if (area === 666) continue;
  const s = `${String(area).padStart(3, "0")}${String(randInt(1, 99)).padStart(2, "0")}${String(randInt(1, 9999)).padStart(4, "0")}`;
  ssns.push(s);
}
ssns.push("001010001", "665990001", "667019999", "899999999");
const ssnTemplates: ((v: Mark) => Line)[] = [
  (v) => L("ssn")`Applicant SSN: ${v}. DOB 1987-04-12.`,
  (v) => L("ssn")`first,last,ssn,state\nMaria,Lopez,${v},TX`,
  (v) => L("ssn")`{"employee": {"name": "K. Patel", "ssn": "${v}", "zip": "94105"}}`,
  (v) => L("ssn")`Hi, my social is ${v} and I need my W-2 reissued.`,
  (v) => L("ssn")`| Name | SSN |\n|---|---|\n| John Q | ${v} |`,
  (v) => L("ssn")`Número de Seguro Social: ${v}`,
  (v) => L("ssn")`INFO verify_identity ssn=${v} result=match`,
];
ssns.forEach((s, i) => {
  const sep = i % 3 === 2 ? " " : "-";
  const fmt = `${s.slice(0, 3)}${sep}${s.slice(3, 5)}${sep}${s.slice(5)}`;
  const t = ssnTemplates[i % ssnTemplates.length];
  if (t) add(t(m("US_SSN", fmt)));
});

// =====================================================================================
// IP_ADDRESS — RFC 5737 / RFC 3849 documentation ranges plus common real-world forms.
// =====================================================================================
const ipv4s = [
  "192.0.2.1",
  "192.0.2.255",
  "198.51.100.7",
  "198.51.100.42",
  "203.0.113.5",
  "203.0.113.254",
  "10.0.0.1",
  "10.12.240.3",
  "172.16.254.1",
  "192.168.1.254",
  "127.0.0.1",
  "8.8.8.8",
  "1.1.1.1",
  "100.64.0.10",
  "169.254.169.254",
  "255.255.255.0",
  "0.0.0.0",
  "198.18.0.1",
  "203.0.113.77",
  "192.0.2.100",
  "198.51.100.250",
  "45.33.32.156",
];
const ipv6s = [
  "2001:db8::1",
  "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
  "2001:db8:85a3::8a2e:370:7334",
  "::1",
  "fe80::1",
  "::ffff:192.0.2.128",
  "64:ff9b::198.51.100.7",
  "2001:db8::",
  "2001:DB8:0:0:8:800:200C:417A",
  "2001:db8:1234:5678:9abc:def0:1234:5678",
  "fe80::a00:27ff:fe4e:66a1",
  "2001:db8:0:1::101",
  "2001:db8::ff00:42:8329",
  "ff02::1",
  "2001:db8:a::123",
  "::ffff:203.0.113.9",
  "2001:db8:3333:4444:5555:6666:1.2.3.4",
  "fd12:3456:789a:1::1",
  "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff",
];
const ipTemplates: ((v: Mark) => Line)[] = [
  (v) => L("ip")`Failed password for root from ${v} port 52413 ssh2`,
  (v) => L("ip")`${v} - - [10/Oct/2023:13:55:36 -0700] "GET /api/v1/users HTTP/1.1" 200 2326`,
  (v) => L("ip")`{"client_ip": "${v}", "user_agent": "curl/8.4.0"}`,
  (v) => L("ip")`The VPN gateway is ${v}, can't reach it from the office.`,
  (v) => L("ip")`server {\n  listen 80;\n  allow ${v};\n  deny all;\n}`,
  (v) => L("ip")`X-Forwarded-For: ${v}`,
  (v) => L("ip")`ping ${v}\nRequest timed out.`,
];
[...ipv4s, ...ipv6s].forEach((ip, i) => {
  const t = ipTemplates[i % ipTemplates.length];
  if (t) add(t(m("IP_ADDRESS", ip)));
});
add(L("ip")`curl http://${m("IP_ADDRESS", "203.0.113.10")}:8080/health`);
add(L("ip")`upstream backend { server ${m("IP_ADDRESS", "10.0.3.17")}:9000; }`);
add(L("ip")`curl -g "http://[${m("IP_ADDRESS", "2001:db8::10")}]:8443/metrics"`);
add(L("ip")`allowlist: ${m("IP_ADDRESS", "198.51.100.0")}/24 and ${m("IP_ADDRESS", "2001:db8:abcd::")}/48`);
add(L("ip")`Seu IP é ${m("IP_ADDRESS", "192.0.2.33")}.`);

// =====================================================================================
// EMAIL
// =====================================================================================
const emails = [
  "alice@example.com",
  "first.last+newsletter@sub.example.co.uk",
  "JOHN.DOE@EXAMPLE.ORG",
  "o'brien@example.ie",
  "user_name-1@example-mail.io",
  "x@example.museum",
  "test.email+alex@leetcode.com",
  "customer/department=shipping@example.com",
  "$A12345@example.com",
  "!def!xyz%abc@example.com",
  "_somename@example.com",
  "jsmith@mail.eng.example.org",
  "support@example.travel",
  "a.b-c_d+e@ex-ample.dev",
  "billing2024@example.net",
  "Maria.Garcia@Empresa.example.es",
  "noreply@notifications.example.com",
  "hr-team@corp.example.co.jp",
  "taro.yamada@example.jp",
  "dev+ci@example.io",
  "k@example.ai",
  "ops@status.example.cloud",
  "john..doe@example.com".replace("..", "."),
  "user#tag@example.org",
  "first_last@example.com.br",
  "12345@example.in",
  "a1b2c3@sub1.sub2.example.de",
  "e.mueller@example.de",
  "contact@example-shop.fr",
  "service.client@example.fr",
  "ceo@example.co",
  "info@example.org.uk",
  "team.lead+jira@example.atlassian.net",
  "x_y.z@example.nl",
  "sales@example.com.au",
  "bob@example.net",
  "root+alerts@monitoring.example.com",
  "ANNA.SCHMIDT+INVOICES@EXAMPLE.DE",
  "juan.perez@example.com.mx",
  "li.wei@example.cn",
  "priya.sharma@example.co.in",
  "olga~ivanova@example.ru",
];
const emailTemplates: ((v: Mark) => Line)[] = [
  (v) => L("email")`Hi, please reset the password for ${v} — ticket #48213.`,
  (v) => L("email")`From: Support <${v}>\nSubject: Re: refund`,
  (v) => L("email")`id,name,email\n42,Pat,${v}`,
  (v) => L("email")`{"user":{"email":"${v}","verified":true}}`,
  (v) => L("email")`Contact ${v}.`,
  (v) => L("email")`Bitte antworten Sie an ${v}, danke!`,
  (v) => L("email")`メール：${v}までご連絡ください`,
  (v) => L("email")`<a href="mailto:${v}">write us</a>`,
  (v) => L("email")`| owner | email |\n|---|---|\n| Pat | ${v} |`,
  (v) => L("email")`2024-05-01 12:00:01 INFO login ok user=${v} ip_hash=ab12`,
  (v) => L("email")`(cc ${v})`,
];
emails.forEach((e, i) => {
  const t = emailTemplates[i % emailTemplates.length];
  if (t) add(t(m("EMAIL", e)));
});

// =====================================================================================
// PHONE
// =====================================================================================
const phones = [
  "(555) 123-4567",
  "555.123.4567",
  "+1-555-123-4567",
  "+44 20 7946 0958",
  "020 7946 0958",
  "+49 30 12345678",
  "+33 1 23 45 67 89",
  "01 23 45 67 89",
  "+91 98765 43210",
  "+81 3-1234-5678",
  "+55 11 91234-5678",
  "+14155552671",
  "+1 (415) 555-2671",
  "415-555-2671",
  "(415) 555-2671",
  "+44 7700 900123",
  "07700 900123",
  "+49 89 1234567",
  "+33 6 12 34 56 78",
  "06 12 34 56 78",
  "03-1234-5678",
  "(11) 91234-5678",
  "+61 2 9876 5432",
  "+34 612 34 56 78",
  "+39 06 1234 5678",
  "+31 20 123 4567",
  "+86 138 0013 8000",
  "+7 495 123-45-67",
  "+52 55 1234 5678",
  "+27 21 123 4567",
  "+353 1 234 5678",
  "1-800-555-0199",
  "+447911123456",
  "+4915112345678",
  "+33612345678",
  "+919876543210",
  "+1 212 555 0147",
  "+1.212.555.0147",
  "(212) 555-0147",
  "+65 6123 4567",
  "+82 2-312-3456",
  "+41 44 668 18 00",
  "+44 (0)20 7946 0958",
  "030 12345678",
  "(030) 1234567",
  "0171 1234567",
  "+91-98765-43210",
  "090-1234-5678",
  "+55 (11) 91234-5678",
  "1 (555) 123-4567",
  "555 123 4567",
  "+1 555 123 4567",
];
const phoneTemplates: ((v: Mark) => Line)[] = [
  (v) => L("phone")`Please call me back at ${v} after 5pm.`,
  (v) => L("phone")`name,phone,city\nR. Okafor,${v},Lagos`,
  (v) => L("phone")`{"contact": {"phone": "${v}", "preferred": "sms"}}`,
  (v) => L("phone")`Tel.: ${v}`,
  (v) => L("phone")`Rappelez-moi au ${v} s'il vous plaît.`,
  (v) => L("phone")`| Name | Phone |\n|---|---|\n| Lee | ${v} |`,
  (v) => L("phone")`Customer (${v}) says the SMS code never arrives.`,
  (v) => L("phone")`Mobile: ${v}\nEmail: on file`,
];
phones.forEach((p, i) => {
  const t = phoneTemplates[i % phoneTemplates.length];
  if (t) add(t(m("PHONE", p)));
});

// =====================================================================================
// Secrets
// =====================================================================================
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const awsKeys = ["AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE"];
while (awsKeys.length < 36) awsKeys.push(`AKIA${randStr(B32, 16)}`);
while (awsKeys.length < 44) awsKeys.push(`ASIA${randStr(B32, 16)}`);
const awsTemplates: ((v: Mark) => Line)[] = [
  (v) => L("aws")`[default]\naws_access_key_id = ${v}\nregion = eu-west-1`,
  (v) => L("aws")`export AWS_ACCESS_KEY_ID=${v}`,
  (v) => L("aws")`{"AccessKeyId": "${v}", "Expiration": "2024-06-01T00:00:00Z"}`,
  (v) => L("aws")`why does boto3 say InvalidClientTokenId for key ${v}?`,
  (v) =>
    L(
      "aws",
    )`const s3 = new S3Client({ credentials: { accessKeyId: "${v}", secretAccessKey: process.env.S }});`,
];
awsKeys.forEach((k, i) => {
  const t = awsTemplates[i % awsTemplates.length];
  if (t) add(t(m("AWS_ACCESS_KEY", k)));
});
add(
  L(
    "aws",
  )`[prod]\naws_access_key_id=${m("AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE")}\naws_secret_access_key=${dc("aws secret key (not an access key id)", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")}`,
);

const ghTokens: string[] = [];
for (const p of ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])
  for (let i = 0; i < 7; i++) ghTokens.push(p + randStr(ALNUM, 36));
for (let i = 0; i < 10; i++)
  ghTokens.push(`github_pat_11${randStr(`${UPPER}${DIGITS}`, 20)}_${randStr(ALNUM, 59)}`);
const ghTemplates: ((v: Mark) => Line)[] = [
  (v) => L("gh")`git clone https://${v}@github.com/acme/infra.git`,
  (v) => L("gh")`GITHUB_TOKEN=${v}`,
  (v) => L("gh")`curl -H "Authorization: token ${v}" https://api.github.com/user`,
  (v) => L("gh")`- name: checkout\n  env:\n    GH_TOKEN: ${v}`,
  (v) => L("gh")`my token ${v} stopped working yesterday, any idea?`,
];
ghTokens.forEach((k, i) => {
  const t = ghTemplates[i % ghTemplates.length];
  if (t) add(t(m("GITHUB_TOKEN", k)));
});

const oaKeys: string[] = [];
for (let i = 0; i < 12; i++) oaKeys.push(`sk-${randStr(ALNUM, 20)}T3BlbkFJ${randStr(ALNUM, 20)}`);
for (let i = 0; i < 16; i++) oaKeys.push(`sk-proj-${randStr(B64URL, 74)}T3BlbkFJ${randStr(B64URL, 74)}`);
for (let i = 0; i < 6; i++) oaKeys.push(`sk-svcacct-${randStr(B64URL, 74)}T3BlbkFJ${randStr(B64URL, 74)}`);
for (let i = 0; i < 4; i++) oaKeys.push(`sk-admin-${randStr(B64URL, 74)}T3BlbkFJ${randStr(B64URL, 74)}`);
for (let i = 0; i < 6; i++) oaKeys.push(`sk-proj-${randStr(ALNUM, 48)}`);
const oaTemplates: ((v: Mark) => Line)[] = [
  (v) => L("openai")`OPENAI_API_KEY=${v}`,
  (v) => L("openai")`client = OpenAI(api_key="${v}")`,
  (v) => L("openai")`curl https://api.openai.com/v1/models -H "Authorization: Bearer ${v}"`,
  (v) => L("openai")`{"provider":"openai","key":"${v}"}`,
  (v) => L("openai")`I keep getting 401 with ${v} — is it revoked?`,
];
oaKeys.forEach((k, i) => {
  const t = oaTemplates[i % oaTemplates.length];
  if (t) add(t(m("OPENAI_API_KEY", k)));
});

const antKeys: string[] = [];
for (let i = 0; i < 38; i++) antKeys.push(`sk-ant-api03-${randStr(B64URL, 93)}AA`);
for (let i = 0; i < 4; i++) antKeys.push(`sk-ant-admin01-${randStr(B64URL, 93)}AA`);
const antTemplates: ((v: Mark) => Line)[] = [
  (v) => L("anthropic")`ANTHROPIC_API_KEY=${v}`,
  (v) => L("anthropic")`client = anthropic.Anthropic(api_key="${v}")`,
  (v) => L("anthropic")`curl https://api.anthropic.com/v1/messages -H "x-api-key: ${v}"`,
  (v) => L("anthropic")`{"anthropic": {"api_key": "${v}"}}`,
  (v) => L("anthropic")`hey, is ${v} still valid? getting authentication_error`,
];
antKeys.forEach((k, i) => {
  const t = antTemplates[i % antTemplates.length];
  if (t) add(t(m("ANTHROPIC_API_KEY", k)));
});

// JWT
const b64u = (s: string | Buffer): string => Buffer.from(s).toString("base64url");
function jwt(header: object, payload: object, key: string): string {
  const h = b64u(JSON.stringify(header));
  const p = b64u(JSON.stringify(payload));
  const alg = (header as { alg?: string }).alg ?? "HS256";
  let sig: string;
  if (alg.startsWith("HS")) {
    const hash = alg === "HS512" ? "sha512" : alg === "HS384" ? "sha384" : "sha256";
    sig = createHmac(hash, key).update(`${h}.${p}`).digest("base64url");
  } else {
    sig = b64u(Buffer.from(randStr(HEX, alg.startsWith("RS") ? 512 : 128), "hex"));
  }
  return `${h}.${p}.${sig}`;
}
const jwts: string[] = [];
const headers: object[] = [
  { alg: "HS256", typ: "JWT" },
  { typ: "JWT", alg: "HS512" },
  { alg: "HS384" },
  { alg: "RS256", typ: "JWT", kid: "k1-2024" },
  { alg: "ES256", kid: "abc" },
];
for (let i = 0; i < 44; i++) {
  const hdr = headers[i % headers.length] ?? { alg: "HS256" };
  jwts.push(
    jwt(
      hdr,
      {
        sub: String(1000 + i),
        name: `User ${i}`,
        iat: 1716239022 + i,
        exp: 1716242622 + i,
        scope: "read write",
      },
      `secret-${i}`,
    ),
  );
}
const jwtTemplates: ((v: Mark) => Line)[] = [
  (v) => L("jwt")`Authorization: Bearer ${v}`,
  (v) => L("jwt")`{"access_token":"${v}","token_type":"Bearer","expires_in":3600}`,
  (v) => L("jwt")`Cookie: session=${v}; Path=/; HttpOnly`,
  (v) => L("jwt")`Can you decode this token for me? ${v}`,
  (v) => L("jwt")`https://app.example.com/callback#id_token=${v}&state=xyz`,
];
jwts.forEach((j, i) => {
  const t = jwtTemplates[i % jwtTemplates.length];
  if (t) add(t(m("JWT", j)));
});

// PRIVATE_KEY
function opensshKey(): string {
  const body = Buffer.concat([Buffer.from("openssh-key-v1\0"), randomBytes(360)]).toString("base64");
  const wrapped = body.replace(/(.{70})/g, "$1\n").trimEnd();
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrapped}\n-----END OPENSSH PRIVATE KEY-----`;
}
const pems: string[] = [];
for (let i = 0; i < 44; i++) {
  let pem: string;
  switch (i % 7) {
    case 0:
      pem = generateKeyPairSync("rsa", {
        modulusLength: 1024,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
      }).privateKey;
      break;
    case 1:
      pem = generateKeyPairSync("rsa", {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      }).privateKey;
      break;
    case 2:
      pem = generateKeyPairSync("ec", {
        namedCurve: "prime256v1",
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "sec1", format: "pem" },
      }).privateKey;
      break;
    case 3:
      pem = generateKeyPairSync("ed25519", {
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      }).privateKey;
      break;
    case 4:
      pem = generateKeyPairSync("rsa", {
        modulusLength: 1024,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "hunter2" },
      }).privateKey;
      break;
    case 5:
      pem = opensshKey();
      break;
    default:
      pem = generateKeyPairSync("ec", {
        namedCurve: "secp384r1",
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      }).privateKey;
  }
  pems.push(pem.trimEnd());
}
pems.forEach((pem, i) => {
  switch (i % 6) {
    case 0:
      add(L("pem")`Here is the key that fails to load:\n\n${m("PRIVATE_KEY", pem)}\n\nError: bad decrypt`);
      break;
    case 1: // GCP service-account style JSON: newlines escaped
      add(
        L(
          "pem",
        )`{"type":"service_account","project_id":"demo-123","private_key":"${m("PRIVATE_KEY", pem.replace(/\n/g, "\\n"))}\\n","client_email":"${m("EMAIL", "svc@demo-123.iam.gserviceaccount.com")}"}`,
      );
      break;
    case 2: // Windows paste, CRLF
      add(L("pem")`key.pem:\r\n${m("PRIVATE_KEY", pem.replace(/\n/g, "\r\n"))}\r\n`);
      break;
    case 3: // YAML block scalar, indented
      add(
        L("pem")`tls:\n  key: |\n    ${m("PRIVATE_KEY", pem.replace(/\n/g, "\n    "))}\n  cert: ./cert.pem`,
      );
      break;
    case 4:
      add(L("pem")`\`\`\`\n${m("PRIVATE_KEY", pem)}\n\`\`\``);
      break;
    default:
      add(L("pem")`${m("PRIVATE_KEY", pem)}`);
  }
});

// =====================================================================================
// Mixed realistic lines with several entities
// =====================================================================================
for (let i = 0; i < 12; i++) {
  const [, card] = pick(cards);
  const email = pick(emails);
  const phone = pick(phones);
  add(
    L(
      "mixed",
    )`Ticket #${String(randInt(10000, 99999))}: customer ${m("EMAIL", email)} (tel ${m("PHONE", phone)}) disputes charge on ${m("CREDIT_CARD", groupCard(card, " "))} from 2024-0${String(randInt(1, 9))}-1${String(randInt(0, 9))}.`,
  );
}
for (let i = 0; i < 8; i++) {
  const ip = pick(ipv4s);
  add(
    L(
      "mixed",
    )`${"2024-02-11T08:15:3"}${String(i)}.120Z level=error req_id=${`${randStr(HEX, 8)}-${randStr(HEX, 4)}-4${randStr(HEX, 3)}-a${randStr(HEX, 3)}-${randStr(HEX, 12)}`} src=${m("IP_ADDRESS", ip)} user=${m("EMAIL", pick(emails))} msg="rate limited"`,
  );
}
for (let i = 0; i < 6; i++) {
  const ssn = pick(ssns);
  add(
    L(
      "mixed",
    )`name,ssn,iban,phone\n"Doe, J",${m("US_SSN", `${ssn.slice(0, 3)}-${ssn.slice(3, 5)}-${ssn.slice(5)}`)},${m("IBAN", pick(ibans))},${m("PHONE", pick(phones))}`,
  );
}

// =====================================================================================
// Boundaries: the same values wrapped in the punctuation of markdown, code and prose
// =====================================================================================
const wrappers: [string, string][] = [
  ["(", ")"],
  ["[", "]"],
  ['"', '"'],
  ["'", "'"],
  ["<", ">"],
  ["`", "`"],
  ["**", "**"],
  ["=", "&x=1"],
  [":", ";"],
  ["\t", "\t"],
];
const boundaryValues: [string, string][] = [
  ["CREDIT_CARD", "4242424242424242"],
  ["CREDIT_CARD", "5555 5555 5555 4444"],
  ["CREDIT_CARD", "378282246310005"],
  ["IBAN", ibans[0] ?? ""],
  ["IBAN", group4(ibans[4] ?? "")],
  ["US_SSN", "536-22-8714"],
  ["IP_ADDRESS", "203.0.113.5"],
  ["IP_ADDRESS", "2001:db8::1"],
  ["EMAIL", "alice@example.com"],
  ["PHONE", "+14155552671"],
  ["PHONE", "+44 20 7946 0958"],
  ["PHONE", "(555) 123-4567".slice(6)],
  ["AWS_ACCESS_KEY", awsKeys[3] ?? ""],
  ["GITHUB_TOKEN", ghTokens[0] ?? ""],
  ["OPENAI_API_KEY", oaKeys[0] ?? ""],
  ["ANTHROPIC_API_KEY", antKeys[0] ?? ""],
  ["JWT", jwts[0] ?? ""],
  ["EMAIL", "müller@example.de"],
];
for (const [type, value] of boundaryValues) {
  if (type === "PHONE" && value === "123-4567") continue; // 7-digit local number: not labelled
  for (const [open, close] of wrappers) add(L("boundary")`value ${open}${m(type, value)}${close} here`);
}
add(L("email")`Kontakt: ${m("EMAIL", "jürgen.müller@example.de")} oder ${m("EMAIL", "info@münchen.de")}`);

// =====================================================================================
// HARD NEGATIVES (no entities)
// =====================================================================================
const N = (text: string): Line => ({ text, entities: [], tag: "neg" });
const uuid = (): string =>
  `${randStr(HEX, 8)}-${randStr(HEX, 4)}-4${randStr(HEX, 3)}-${pick(["8", "9", "a", "b"])}${randStr(HEX, 3)}-${randStr(HEX, 12)}`;
for (let i = 0; i < 30; i++) {
  const u = i % 3 === 0 ? uuid().toUpperCase() : uuid();
  add(N(pick([`request_id=${u} status=200`, `{"id":"${u}","deleted":false}`, `See trace ${u} in Datadog.`])));
}
for (let i = 0; i < 25; i++) {
  const sha = randStr(HEX, 40);
  add(
    N(
      pick([
        `commit ${sha}\nAuthor: Dev <dev@users.noreply.example>`.replace(" <dev@users.noreply.example>", ""),
        `git revert ${sha.slice(0, 7)} fixes the regression from ${sha}`,
        `"sha": "${sha}", "ref": "refs/heads/main"`,
      ]),
    ),
  );
}
const versions = [
  "v1.2.3",
  "2.14.0-rc.1",
  "1.0.0+build.20240115",
  "v1.2.3.4",
  "10.0.19041.1",
  "Chrome/120.0.6099.109",
  "Windows 10.0.22631.2861",
  "node v20.10.0",
  "react@18.2.0",
  "python==3.11.4",
  "OpenSSL 3.0.13",
  "version 1.2.3.4",
  "4.18.2",
  "v2.31.0.windows.1",
  "12.4.1.52",
  "Build 23.10.1.7",
];
for (const v of versions) add(N(`Upgraded to ${v} and the bug is gone.`));
const dates = [
  "2024-01-15",
  "15/01/2024",
  "01.15.2024",
  "2024/01/15",
  "15.01.2024",
  "Jan 15, 2024",
  "12:30:45",
  "2024-01-15T10:30:00Z",
  "2024-01-15T10:30:00.123+05:30",
  "2023-12-31 23:59:59",
  "20240115",
  "1705312800",
  "Mon, 15 Jan 2024 10:30:00 GMT",
  "Q3-2024",
  "FY2024-25",
];
for (const d of dates) add(N(`Deadline is ${d}, please confirm.`));
for (let i = 0; i < 20; i++)
  add(N(`Order ORD-${randStr(DIGITS, 9)} shipped; invoice INV-2024-${randStr(DIGITS, 6)}.`));
const tracking = [
  "1Z999AA10123456784",
  "9400 1000 0000 0000 0000 00",
  "7489 2034 5678",
  "JD014600006281234567",
  "LX123456789DE",
  "9261290100130435082",
  "420 94105 9205 5000 0000 0000 00",
];
for (const t of tracking) add(N(`Tracking number: ${t}`));
// Luhn-invalid card-shaped numbers
for (const [, num] of cards.slice(0, 30)) {
  const last = Number(num[num.length - 1]);
  const bad = num.slice(0, -1) + String((last + 1) % 10);
  if (luhnValid(bad)) continue;
  add(N(pick([`card ${groupCard(bad, " ")} declined`, `pan=${bad}`, `Reference ${groupCard(bad, "-")}`])));
}
// Luhn-valid but no issuer prefix (9..., 1..., 0..., 8...)
for (let i = 0; i < 24; i++) {
  const first = pick(["9", "1", "0", "8"]);
  const num = luhnComplete(first + randStr(DIGITS, 14));
  add(N(pick([`Account ref ${num}`, `barcode ${groupCard(num, " ")}`, `{"ean_bundle":"${num}"}`])));
}
// Wrong IBAN checksums (check digits altered; BBAN digit transposed)
ibans.forEach((iban, i) => {
  let bad: string;
  if (i % 2 === 0) {
    const cd = Number(iban.slice(2, 4));
    const alt = cd >= 90 ? cd - 7 : cd + 7;
    bad = `${iban.slice(0, 2)}${String(alt).padStart(2, "0")}${iban.slice(4)}`;
  } else {
    const j = iban.length - 3;
    bad = `${iban.slice(0, j)}${iban[j + 1]}${iban[j]}${iban.slice(j + 2)}`;
  }
  if (ibanValid(bad)) return;
  add(N(pick([`IBAN ${group4(bad)} (typo?)`, `{"iban":"${bad}"}`, `Send to ${bad} please`])));
});
// Invalid SSN ranges
const badSsn = [
  "000-12-3456",
  "666-12-3456",
  "900-12-3456",
  "912-34-5678",
  "999-99-9999",
  "123-00-4567",
  "123-45-0000",
  "000 12 3456",
  "666 45 6789",
  "987-65-4321",
  "078-00-1120",
  "456-00-7890",
  "734-56-0000",
  "950-11-2222",
];
for (const s of badSsn) add(N(pick([`SSN ${s} rejected as invalid`, `ssn=${s}`, `"ssn": "${s}"`])));
// Invalid IPs and IP look-alikes
const badIps = [
  "999.1.1.1",
  "256.10.10.10",
  "192.168.1.256",
  "1.2.3",
  "10.0.0.0.1",
  "300.300.300.300",
  "2001:db8::1::2",
  "1:2:3:4:5:6:7:8:9",
  "gggg::1",
  "00:1A:2B:3C:4D:5E",
  "12:30:45",
  "std::vector<int>",
  "a:b:c",
  "12345::abcd",
  "fe80:::1",
];
for (const ip of badIps) add(N(`value ${ip} in config`));
// CSS colours, hashes, base64
for (let i = 0; i < 12; i++) add(N(`.btn { color: #${randStr(HEX, 6)}; background: #${randStr(HEX, 3)}; }`));
for (let i = 0; i < 12; i++) add(N(`sha256:${randStr(HEX, 64)}  md5=${randStr(HEX, 32)}`));
for (let i = 0; i < 12; i++) add(N(`data:image/png;base64,${randomBytes(90).toString("base64")}`));
// JWT look-alikes
const notJsonHeader = `${b64u("hello world")}.${b64u('{"sub":"1"}')}.${b64u("sig")}`;
const truncatedJsonHeader = `${b64u('{"alg":"HS256"')}.${b64u('{"sub":"1"}')}.${b64u("signature!")}`;
const noAlgHeader = `${b64u('{"typ":"JWT"}')}.${b64u('{"sub":"1"}')}.${b64u("signature!")}`;
const arrHeader = `${b64u('["alg","HS256"]')}.${b64u('{"sub":"1"}')}.${b64u("signature!")}`;
for (const t of [
  notJsonHeader,
  truncatedJsonHeader,
  noAlgHeader,
  arrHeader,
  "aGVsbG8.d29ybGQ.Zm9vYmFy",
  "api.example.com",
])
  add(N(`token=${t}`));
for (let i = 0; i < 6; i++)
  add(N(`Bearer ${b64u(randomBytes(12))}.${b64u(randomBytes(30))}.${b64u(randomBytes(32))}`));
// 'sk-' and other key look-alikes in prose
const skProse = [
  "We use sk-learn (scikit-learn) for the baseline model.",
  "pip install scikit-learn; import sklearn",
  "The task-1234 and disk-abcdefghijklmnop entries are stale.",
  "Set OPENAI_API_KEY=sk-... in your .env (see docs).",
  "Stripe test key: sk_test_4eC39HqLyjWDarjtT1zdp7dc",
  "Stripe live key looks like sk_live_51Habcdefghijklmnopqrstuvwx",
  "risk-assessment-framework-v2 and desk-booking-service",
  "Keys start with sk-ant- for Anthropic and sk- for OpenAI.",
  "AKIA is the prefix of AWS access key ids.",
  "akiaiosfodnn7example is lowercase and not a key",
  "ABCDEFGHIJKLMNOPQRST is twenty letters.",
  "AKIA1234 too short",
  "ghp_ tokens are classic PATs; github_pat_ are fine-grained.",
  "the env var GHP_TOKEN_ENV is unset",
  "ghp_short123",
];
for (const s of skProse) add(N(s));
// Email look-alikes
const emailish = [
  "postgres://user@localhost:5432/db",
  "ssh admin@localhost",
  "user@host",
  "Use the @Override annotation",
  "npm i @types/node@20.19.25",
  "icon: logo@2x.png",
  "background: url(img/hero@3x.jpg)",
  "react@18.2.0",
  "brew install node@20",
  "ping @channel about it",
  "foo @ bar dot com",
  "Twitter: @example_user",
  "@media (max-width: 600px) { }",
  `docker pull nginx@sha256:${randStr(HEX, 64)}`,
];
for (const e of emailish) add(N(e));
// Number look-alikes
const nums = [
  "Revenue was 1,234,567.89 USD",
  "Total: $12,499.00",
  "The 3-4-5 triangle",
  "ZIP 94105",
  "ZIP+4 94105-1234",
  "Price €1.299,00",
  "ISBN 978-3-16-148410-0",
  "Room 12-345-6789",
  "PO Box 1234",
  "Lat 37.7749, Lng -122.4194",
  "Population: 8 336 817",
  "cost 123.456.789 VND",
  "Ratio 16:9 at 1920x1080",
  "Step 1-2-3-4",
  "SKU 000-123-4567-89",
  "Serial no. 12 34 56 78 90 12",
  "batch 2024.01.15.003",
  "counts 100 200 300 400 500",
  "range 555-0100 to 555-0199",
  "error code 0x80070005",
  "port 65535",
  "pid 123456",
  "matrix [[1,2,3],[4,5,6]]",
  "12345678901234567890",
  "Invoice 2024-000123",
  "Case #20240115-000042",
];
for (const n of nums) add(N(n));
// PEM look-alikes
const pub = generateKeyPairSync("ec", {
  namedCurve: "prime256v1",
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
}).publicKey.trimEnd();
add(N(`Here is my public key:\n${pub}`));
add(
  N(
    `-----BEGIN CERTIFICATE-----\n${randomBytes(300)
      .toString("base64")
      .replace(/(.{64})/g, "$1\n")
      .trimEnd()}\n-----END CERTIFICATE-----`,
  ),
);
add(
  N(
    `-----BEGIN CERTIFICATE REQUEST-----\n${randomBytes(200)
      .toString("base64")
      .replace(/(.{64})/g, "$1\n")
      .trimEnd()}\n-----END CERTIFICATE REQUEST-----`,
  ),
);
add(
  L(
    "pem-dc",
  )`Paste your ${dc("PEM header with no body", "-----BEGIN PRIVATE KEY-----")} block into the field.`,
);
add(N("Docs: keys must be PKCS#8 ('BEGIN PRIVATE KEY') or PKCS#1 ('BEGIN RSA PRIVATE KEY')."));
// Generic prose / code negatives in bulk
const prose = [
  "Can you summarise this meeting transcript in three bullet points?",
  "Refactor this function to use async/await instead of callbacks.",
  "SELECT id, created_at FROM orders WHERE total > 1000 ORDER BY created_at DESC LIMIT 50;",
  "for (let i = 0; i < 10; i++) { sum += arr[i] * 2.5; }",
  "The meeting is at 10:30 in room 4.12, building B.",
  "Kubernetes pod nginx-7c9d8f6b5-x2k4p restarted 3 times.",
  "image: registry.example.com/team/api:1.4.2",
  "Erklären Sie bitte den Unterschied zwischen TCP und UDP.",
  "Résumez cet article en 200 mots.",
  "この文章を英語に翻訳してください。",
];
for (const p of prose) add(N(p));

// ---------- write ----------
const here = dirname(fileURLToPath(import.meta.url));
const out = lines.map((l) => JSON.stringify(l)).join("\n");
writeFileSync(join(here, "corpus.jsonl"), `${out}\n`);
const counts: Record<string, number> = {};
for (const l of lines) for (const e of l.entities) counts[e.type] = (counts[e.type] ?? 0) + 1;
console.log(
  `${lines.length} lines, ${lines.filter((l) => l.entities.length === 0).length} negative-only`,
  counts,
);
