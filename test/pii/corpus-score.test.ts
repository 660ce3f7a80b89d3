import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  BUILTIN_PII_TYPES,
  builtinDetectors,
  detectAll,
} from "../../extproc/src/pipeline/pii/detectors/index.ts";
import type { CorpusEntity as Entity, CorpusLine as Line } from "../support/pii-corpus-line.ts";

/**
 * Precision and recall per built-in type over the labelled corpus (test/pii/corpus/*.jsonl, built by
 * build-corpus.ts), counting a finding as correct only when type and span match exactly.
 */

const MIN_PRECISION = 0.98;
const MIN_RECALL = 0.99;

function corpus(): Line[] {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "corpus");
  return readdirSync(dir)
    .filter((name) => name.endsWith(".jsonl"))
    .sort()
    .flatMap((name) =>
      readFileSync(join(dir, name), "utf8")
        .split("\n")
        .filter((row) => row.length > 0)
        .map((row) => JSON.parse(row) as Line),
    );
}

interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

function score(lines: readonly Line[]): { scores: Map<string, Score>; misses: string[] } {
  const detectors = builtinDetectors();
  const scores = new Map<string, Score>(
    BUILTIN_PII_TYPES.map((type) => [type, { truePositives: 0, falsePositives: 0, falseNegatives: 0 }]),
  );
  const misses: string[] = [];
  const key = (e: Entity) => `${e.type}:${e.start}:${e.end}`;
  for (const line of lines) {
    const expected = new Set(line.entities.map(key));
    const found = new Set(detectAll(line.text, detectors).map(key));
    for (const k of found) {
      const s = scores.get(k.split(":")[0] as string) as Score;
      if (expected.has(k)) s.truePositives++;
      else {
        s.falsePositives++;
        misses.push(`false positive ${k} in ${JSON.stringify(line.text.slice(0, 160))}`);
      }
    }
    for (const k of expected) {
      if (found.has(k)) continue;
      (scores.get(k.split(":")[0] as string) as Score).falseNegatives++;
      misses.push(`missed ${k} in ${JSON.stringify(line.text.slice(0, 160))}`);
    }
  }
  return { scores, misses };
}

it("finds every built-in type in the corpus with precision >= 0.98 and recall >= 0.99", () => {
  const lines = corpus();
  const { scores, misses } = score(lines);
  const rows = [...scores].map(([type, s]) => {
    const precision = s.truePositives / Math.max(1, s.truePositives + s.falsePositives);
    const recall = s.truePositives / Math.max(1, s.truePositives + s.falseNegatives);
    return { type, ...s, precision, recall };
  });
  const negatives = lines.filter((line) => line.entities.length === 0).length;
  console.log(`corpus: ${lines.length} lines, ${negatives} without any entity`);
  console.log("type                positives  TP   FP  FN  precision  recall");
  for (const r of rows) {
    console.log(
      `${r.type.padEnd(18)}  ${String(r.truePositives + r.falseNegatives).padStart(9)}  ${String(r.truePositives).padStart(3)}  ${String(r.falsePositives).padStart(3)}  ${String(r.falseNegatives).padStart(2)}  ${r.precision.toFixed(3).padStart(9)}  ${r.recall.toFixed(3).padStart(6)}`,
    );
  }
  for (const miss of misses.slice(0, 40)) console.log(miss);
  for (const r of rows) {
    assert.ok(r.truePositives + r.falseNegatives >= 40, `${r.type}: corpus has too few positives`);
    assert.ok(r.precision >= MIN_PRECISION, `${r.type}: precision ${r.precision.toFixed(3)}`);
    assert.ok(r.recall >= MIN_RECALL, `${r.type}: recall ${r.recall.toFixed(3)}`);
  }
});
