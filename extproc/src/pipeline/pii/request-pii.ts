import { applyTextEdits, type TextEdit } from "../json-string-values.ts";
import type { ApiKind } from "../policy-input.ts";
import { detectAll } from "./detectors/index.ts";
import type { Detector } from "./detectors/types.ts";
import { type ModelTextField, modelTextFields, type TextLocation } from "./model-text-fields.ts";
import { type SeamMatch, seamMatches, withSeamMatches } from "./part-seams.ts";
import type { PiiReplacements } from "./pii-replacements.ts";
import { type TextScanUnit, textScanUnits } from "./text-scan-units.ts";

/** What the policy learns about PII in a request: types, counts and places, never values. */
export interface PiiSummary {
  readonly findings: { readonly type: string; readonly count: number; readonly locations: TextLocation[] }[];
  readonly non_text_parts: number;
}

/** The detections in one request body, kept until the policy has chosen the actions. */
export interface RequestPiiScan {
  readonly summary: PiiSummary;
  readonly fields: readonly ModelTextField[];
  readonly hits: readonly { readonly unit: TextScanUnit; readonly matches: readonly SeamMatch[] }[];
}

export function scanRequestPii(
  api: ApiKind,
  bodyText: string,
  body: unknown,
  detectors: readonly Detector[],
): RequestPiiScan {
  const { fields, nonTextParts } = modelTextFields(api, bodyText, body);
  const hits: { unit: TextScanUnit; matches: readonly SeamMatch[] }[] = [];
  const byType = new Map<string, { count: number; locations: Map<string, TextLocation> }>();
  const units = textScanUnits(fields);
  const own = units.map((unit) => detectAll(unit.text, detectors));
  const seams = seamMatches(fields, units, own, detectors);
  for (const [index, unit] of units.entries()) {
    const matches = withSeamMatches(own[index] ?? [], seams.get(index));
    if (matches.length === 0) continue;
    hits.push({ unit, matches });
    const location = fields[unit.fieldIndex]?.location;
    for (const match of matches) {
      // An entity across a seam is counted once, where it starts.
      if (match.erase) continue;
      const entry = byType.get(match.type) ?? { count: 0, locations: new Map() };
      entry.count += 1;
      if (location) entry.locations.set(JSON.stringify(location), location);
      byType.set(match.type, entry);
    }
  }
  const findings = [...byType]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, entry]) => ({ type, count: entry.count, locations: [...entry.locations.values()] }));
  return { summary: { findings, non_text_parts: nonTextParts }, fields, hits };
}

export function replaceMatches(
  text: string,
  matches: readonly SeamMatch[],
  replacements: PiiReplacements,
): string {
  const edits: TextEdit[] = [];
  for (const match of matches) {
    if (match.erase) {
      // The rest of an entity whose placeholder stands in the part before.
      if (replacements.actionFor(match.type) !== "allow")
        edits.push({ start: match.start, end: match.end, replacement: "" });
      continue;
    }
    const value = match.value ?? text.slice(match.start, match.end);
    const replacement = replacements.replacementFor(match, value);
    if (replacement !== undefined) edits.push({ start: match.start, end: match.end, replacement });
  }
  return applyTextEdits(text, edits);
}
