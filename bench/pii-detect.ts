/**
 * PII detection throughput, single thread, in the same run as a baseline.
 *
 *   node --import tsx bench/pii-detect.ts [--mb 4] [--rounds 5]
 *
 * Builds a deterministic mixed prompt corpus (prose with sparse PII, source code, JSON, base64
 * noise, digit-heavy tables and logs), cut into prompt-sized messages of 2–16 KiB, and times
 * `detectAll` with every built-in detector over it, per content kind and overall. The baseline is
 * one plain pass of a dozen simple regexes over the same messages: the cost of "just run some
 * regexes", which the detectors have to beat while also validating (Luhn, mod-97, issuer ranges,
 * JWT headers, boundaries). MB is 10^6 UTF-16 code units (the corpus is ASCII, so bytes). The best
 * of `rounds` timed passes is reported, after one warm-up pass. Target: 100 MB/s overall.
 */
import { builtinDetectors, detectAll } from "../extproc/src/pipeline/pii/detectors/index.ts";
import { seededRandom } from "../test/support/seeded-random.ts";

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const TOTAL_MB = option("mb", 4);
const ROUNDS = option("rounds", 5);

// Deterministic so runs are comparable (mulberry32).
const random = seededRandom(0x5eed);
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}
function digits(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(random() * 10);
  return s;
}

const WORDS =
  "the of and to in is for that with on as this be are from by at or an was it not but have which can will our their customer account please review summary data model request response team report quarter revenue growth product meeting schedule contract policy support ticket issue update".split(
    " ",
  );
const PII = [
  "jane.doe@example.com",
  "(555) 123-4567",
  "+44 20 7946 0958",
  "4111 1111 1111 1111",
  "123-45-6789",
  "GB82 WEST 1234 5698 7654 32",
  "192.0.2.44",
  "2001:db8::8a2e:370:7334",
  "AKIAIOSFODNN7EXAMPLE",
];

function prose(): string {
  const words: string[] = [];
  for (let i = 0; i < 30; i++) words.push(pick(WORDS));
  if (random() < 0.15) words.splice(Math.floor(random() * words.length), 0, pick(PII));
  if (random() < 0.2) words.push(`${Math.floor(random() * 2000)}`);
  return `${words.join(" ")}. `;
}

function code(): string {
  const name = pick(WORDS);
  return `export function ${name}Handler(req: Request, limit = ${Math.floor(random() * 100)}): Promise<void> {
  const items = await db.query("SELECT id, ${name} FROM t WHERE id = $1 LIMIT 10", [req.id]);
  for (const item of items) if (item.${name} > ${digits(3)}) logger.info({ id: item.id }, "${name} over limit");
  return std::move(items); // v1.2.${Math.floor(random() * 20)} 0x${digits(8)}
}
`;
}

function json(): string {
  return `${JSON.stringify({
    id: `${digits(8)}-${digits(4)}-4${digits(3)}-a${digits(3)}-${digits(12)}`,
    model: "gpt-4o-mini",
    created: 1_700_000_000 + Math.floor(random() * 1e6),
    messages: [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: prose() },
    ],
    temperature: 0.7,
    metadata: {
      order: `ORD-${digits(10)}`,
      version: "2.14.3",
      sha: "3f2a9c1b7e5d4a6f8b0c2d1e3f4a5b6c7d8e9f01",
    },
  })}\n`;
}

function base64(): string {
  const bytes = Buffer.alloc(600);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
  return `data:image/png;base64,${bytes.toString("base64")}\n`;
}

function digitHeavy(): string {
  const rows: string[] = [];
  for (let i = 0; i < 8; i++) {
    rows.push(
      `2024-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 10)}T10:${digits(2)}:${digits(2)}.${digits(3)}Z ${digits(4)} ${digits(6)} ${(random() * 1e4).toFixed(2)} 1,${digits(3)},${digits(3)} ${digits(3)} ${digits(2)} 10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`,
    );
  }
  return `${rows.join("\n")}\n`;
}

const KINDS = { prose, code, json, base64, "digit-heavy": digitHeavy } as const;
type Kind = keyof typeof KINDS;

function messages(make: () => string, chars: number): string[] {
  const out: string[] = [];
  let total = 0;
  while (total < chars) {
    const size = 2048 + Math.floor(random() * 14 * 1024);
    let message = "";
    while (message.length < size) message += make();
    out.push(message);
    total += message.length;
  }
  return out;
}

const BASELINE = [
  /\d{3}-\d{2}-\d{4}/g,
  /\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}\b/g,
  /\b[\w.+-]+@[\w-]+\.[\w.]+/g,
  /\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}/g,
  /\+\d{1,3}[ ]?\d{2,4}[ ]?\d{3,4}[ ]?\d{3,4}/g,
  /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g,
  /\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b/g,
  /AKIA[A-Z0-9]{16}/g,
  /gh[pousr]_[A-Za-z0-9]{36}/g,
  /sk-[A-Za-z0-9_-]{20,}/g,
  /eyJ[\w-]+\.[\w-]+\.[\w-]+/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/g,
];

function baseline(text: string): number {
  let count = 0;
  for (const pattern of BASELINE) {
    pattern.lastIndex = 0;
    while (pattern.exec(text) !== null) count++;
  }
  return count;
}

const detectors = builtinDetectors();
function detectors_(text: string): number {
  return detectAll(text, detectors).length;
}

function bestMbPerSecond(corpus: readonly string[], run: (text: string) => number): number {
  const chars = corpus.reduce((sum, text) => sum + text.length, 0);
  for (const text of corpus) run(text);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (const text of corpus) run(text);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return chars / 1e6 / best;
}

const perKind = (TOTAL_MB * 1e6) / Object.keys(KINDS).length;
const corpora = new Map<Kind | "mixed", string[]>();
for (const kind of Object.keys(KINDS) as Kind[]) corpora.set(kind, messages(KINDS[kind], perKind));
const mixed = [...corpora.values()].flat();
for (let i = mixed.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [mixed[i], mixed[j]] = [mixed[j] as string, mixed[i] as string];
}
corpora.set("mixed", mixed);

console.log(`PII detection, single thread, ${detectors.length} built-in detectors, best of ${ROUNDS}`);
console.log("kind          MB      messages  findings  detectors MB/s  baseline MB/s  ratio");
for (const [kind, corpus] of corpora) {
  const mb = corpus.reduce((sum, text) => sum + text.length, 0) / 1e6;
  const findings = corpus.reduce((sum, text) => sum + detectors_(text), 0);
  const ours = bestMbPerSecond(corpus, detectors_);
  const theirs = bestMbPerSecond(corpus, baseline);
  console.log(
    `${kind.padEnd(12)}  ${mb.toFixed(2).padStart(5)}  ${String(corpus.length).padStart(8)}  ${String(findings).padStart(8)}  ${ours.toFixed(1).padStart(14)}  ${theirs.toFixed(1).padStart(13)}  ${(ours / theirs).toFixed(2).padStart(5)}`,
  );
}
