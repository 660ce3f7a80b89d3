import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  BUILTIN_PII_TYPES,
  builtinDetectors,
  detectAll,
} from "../../extproc/src/pipeline/pii/detectors/index.ts";

/**
 * Blind score: precision and recall per type over test/pii-blind/corpus.jsonl, a corpus written
 * independently of the detectors (see build-corpus.ts). Scored twice: exact span match, and overlap
 * match (same type, spans intersect). Findings overlapping a `dontcare` span are ignored.
 *
 * It asserts that the corpus is well formed (offsets point at plausible substrings) and that every
 * type reaches precision >= 0.98 and recall >= 0.99 with EXACT span match (no overlap allowance:
 * a span that is too short leaves part of the value unredacted). The full report is printed first.
 */
const MIN_PRECISION = 0.98;
const MIN_RECALL = 0.99;
interface Span {
  type: string;
  start: number;
  end: number;
}
interface Line {
  text: string;
  entities: Span[];
  dontcare?: { start: number; end: number; note: string }[];
  tag?: string;
}

// A loose shape check per type, only to prove the offsets land on the intended substring.
const SHAPE: Record<string, RegExp> = {
  EMAIL: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  PHONE: /^[+(]?\d[\d\s().-]*\d$/,
  CREDIT_CARD: /^\d[\d -]{11,22}\d$/,
  US_SSN: /^\d{3}[- ]\d{2}[- ]\d{4}$/,
  IBAN: /^[A-Z]{2}\d{2}[A-Z0-9 ]+$/,
  IP_ADDRESS: /^[0-9A-Fa-f:.]+$/,
  AWS_ACCESS_KEY: /^A[A-Z0-9]{19}$/,
  GITHUB_TOKEN: /^(gh[pousr]_|github_pat_)[A-Za-z0-9_]+$/,
  OPENAI_API_KEY: /^sk-[A-Za-z0-9_-]+$/,
  ANTHROPIC_API_KEY: /^sk-ant-[A-Za-z0-9_-]+$/,
  JWT: /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
  PRIVATE_KEY: /^-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----$/,
};

function loadCorpus(): Line[] {
  const file = join(dirname(fileURLToPath(import.meta.url)), "corpus.jsonl");
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Line);
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean =>
  a.start < b.end && b.start < a.end;

function snippet(text: string, s: { start: number; end: number }): string {
  let v = text.slice(s.start, s.end);
  if (v.length > 70) v = `${v.slice(0, 40)}…${v.slice(-20)}`;
  const pre = text.slice(Math.max(0, s.start - 18), s.start);
  const post = text.slice(s.end, s.end + 18);
  return `${JSON.stringify(v)}  in …${JSON.stringify(`${pre}⟦⟧${post}`).slice(1, -1)}`.replace("⟦⟧", "⟦·⟧");
}

it("blind corpus parses and its offsets point at the labelled substrings", () => {
  const corpus = loadCorpus();
  assert.ok(corpus.length > 500);
  for (const [i, line] of corpus.entries()) {
    assert.equal(typeof line.text, "string", `line ${i + 1}`);
    const sorted = [...line.entities].sort((a, b) => a.start - b.start);
    for (const [k, e] of sorted.entries()) {
      assert.ok(BUILTIN_PII_TYPES.includes(e.type), `line ${i + 1}: unknown type ${e.type}`);
      assert.ok(0 <= e.start && e.start < e.end && e.end <= line.text.length, `line ${i + 1}: bad span`);
      const value = line.text.slice(e.start, e.end);
      assert.equal(value, value.trim(), `line ${i + 1}: span has surrounding whitespace`);
      const shape = SHAPE[e.type];
      assert.ok(shape?.test(value.replace(/\\n|\r?\n\s*/g, "\n")), `line ${i + 1}: ${e.type} span ${value}`);
      const next = sorted[k + 1];
      if (next !== undefined) assert.ok(e.end <= next.start, `line ${i + 1}: overlapping gold spans`);
    }
  }
});

it("blind corpus: exact-span precision >= 0.98 and recall >= 0.99 for every type", () => {
  const corpus = loadCorpus();
  const detectors = builtinDetectors();
  type Mode = "exact" | "overlap";
  const stats: Record<Mode, Record<string, { tp: number; fp: number; fn: number }>> = {
    exact: {},
    overlap: {},
  };
  const misses: Record<string, string[]> = {};
  const falsePos: Record<string, string[]> = {};
  const spanOnly: Record<string, string[]> = {};
  const push = (into: Record<string, string[]>, type: string, msg: string): void => {
    const list = into[type] ?? [];
    list.push(msg);
    into[type] = list;
  };
  const bump = (mode: Mode, type: string, k: "tp" | "fp" | "fn"): void => {
    stats[mode][type] ??= { tp: 0, fp: 0, fn: 0 };
    const s = stats[mode][type];
    if (s !== undefined) s[k]++;
  };
  let bytes = 0;
  const t0 = performance.now();
  const found = corpus.map((line) => {
    bytes += line.text.length;
    return detectAll(line.text, detectors).map((f) => ({ type: f.type, start: f.start, end: f.end }));
  });
  const ms = performance.now() - t0;

  corpus.forEach((line, li) => {
    const fs = found[li] ?? [];
    const ignored = (f: Span): boolean => (line.dontcare ?? []).some((d) => overlaps(d, f));
    for (const mode of ["exact", "overlap"] as Mode[]) {
      const same = (g: Span, f: Span): boolean =>
        g.type === f.type && (mode === "exact" ? g.start === f.start && g.end === f.end : overlaps(g, f));
      for (const g of line.entities) {
        const hit = fs.some((f) => same(g, f));
        bump(mode, g.type, hit ? "tp" : "fn");
        if (!hit && mode === "overlap") push(misses, g.type, `L${li + 1} ${snippet(line.text, g)}`);
        if (!hit && mode === "exact") {
          const near = fs.find((f) => f.type === g.type && overlaps(f, g));
          if (near !== undefined)
            push(
              spanOnly,
              g.type,
              `L${li + 1} gold ${JSON.stringify(line.text.slice(g.start, g.end).slice(0, 60))} got ${JSON.stringify(line.text.slice(near.start, near.end).slice(0, 60))}`,
            );
        }
      }
      for (const f of fs) {
        if (ignored(f)) continue;
        if (line.entities.some((g) => same(g, f))) continue;
        bump(mode, f.type, "fp");
        if (mode === "overlap") {
          const other = line.entities.find((g) => overlaps(g, f));
          const note = other === undefined ? "" : `  [overlaps gold ${other.type}]`;
          push(falsePos, f.type, `L${li + 1} ${snippet(line.text, f)}${note}`);
        }
      }
    }
  });

  const out: string[] = [];
  const pct = (n: number, d: number): string => (d === 0 ? "   -  " : (n / d).toFixed(4));
  out.push(
    `\nBLIND CORPUS: ${corpus.length} lines, ${(bytes / 1e3).toFixed(0)}k chars, detectAll ${ms.toFixed(0)} ms`,
  );
  out.push(
    `${"type".padEnd(18)} ${"gold".padStart(4)} | exact: ${"P".padEnd(6)} ${"R".padEnd(6)} tp  fp  fn | overlap: ${"P".padEnd(6)} ${"R".padEnd(6)} tp  fp  fn`,
  );
  const types = [
    ...new Set([...BUILTIN_PII_TYPES, ...Object.keys(stats.overlap), ...Object.keys(stats.exact)]),
  ];
  for (const t of types) {
    const e = stats.exact[t] ?? { tp: 0, fp: 0, fn: 0 };
    const o = stats.overlap[t] ?? { tp: 0, fp: 0, fn: 0 };
    const n = (x: number): string => String(x).padStart(3);
    out.push(
      `${t.padEnd(18)} ${String(e.tp + e.fn).padStart(4)} |        ${pct(e.tp, e.tp + e.fp)} ${pct(e.tp, e.tp + e.fn)} ${n(e.tp)} ${n(e.fp)} ${n(e.fn)} |          ${pct(o.tp, o.tp + o.fp)} ${pct(o.tp, o.tp + o.fn)} ${n(o.tp)} ${n(o.fp)} ${n(o.fn)}`,
    );
  }
  out.push("\nMISSES (false negatives, overlap mode):");
  for (const [t, list] of Object.entries(misses)) for (const s of list) out.push(`  ${t.padEnd(17)} ${s}`);
  out.push("\nFALSE POSITIVES (overlap mode):");
  for (const [t, list] of Object.entries(falsePos)) for (const s of list) out.push(`  ${t.padEnd(17)} ${s}`);
  out.push("\nSPAN MISMATCHES (found with overlap, not exact):");
  for (const [t, list] of Object.entries(spanOnly)) for (const s of list) out.push(`  ${t.padEnd(17)} ${s}`);
  console.log(out.join("\n"));

  const failures: string[] = [];
  for (const t of BUILTIN_PII_TYPES) {
    const e = stats.exact[t] ?? { tp: 0, fp: 0, fn: 0 };
    const precision = e.tp + e.fp === 0 ? 1 : e.tp / (e.tp + e.fp);
    const recall = e.tp + e.fn === 0 ? 1 : e.tp / (e.tp + e.fn);
    assert.ok(e.tp + e.fn > 0, `${t}: no gold entities in the blind corpus`);
    if (precision < MIN_PRECISION) failures.push(`${t} precision ${precision.toFixed(4)} < ${MIN_PRECISION}`);
    if (recall < MIN_RECALL) failures.push(`${t} recall ${recall.toFixed(4)} < ${MIN_RECALL}`);
  }
  assert.deepEqual(failures, [], "blind corpus below target (see the report above)");
});
