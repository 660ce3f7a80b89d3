import { applyTextEdits, type TextEdit } from "../json-string-values.ts";
import type { ApiKind } from "../policy-input.ts";
import { detectAll } from "./detectors/index.ts";
import type { Detector, TextMatch } from "./detectors/types.ts";
import { type ModelTextField, modelTextFields, type TextLocation } from "./model-text-fields.ts";
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
  readonly hits: readonly { readonly unit: TextScanUnit; readonly matches: readonly TextMatch[] }[];
}

export function scanRequestPii(
  api: ApiKind,
  bodyText: string,
  body: unknown,
  detectors: readonly Detector[],
): RequestPiiScan {
  const { fields, nonTextParts } = modelTextFields(api, bodyText, body);
  const hits: { unit: TextScanUnit; matches: TextMatch[] }[] = [];
  const byType = new Map<string, { count: number; locations: Map<string, TextLocation> }>();
  for (const unit of textScanUnits(fields)) {
    const matches = detectAll(unit.text, detectors);
    if (matches.length === 0) continue;
    hits.push({ unit, matches });
    const location = fields[unit.fieldIndex]?.location;
    for (const match of matches) {
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
  matches: readonly TextMatch[],
  replacements: PiiReplacements,
): string {
  const edits: TextEdit[] = [];
  for (const match of matches) {
    const replacement = replacements.replacementFor(match, text.slice(match.start, match.end));
    if (replacement !== undefined) edits.push({ start: match.start, end: match.end, replacement });
  }
  return applyTextEdits(text, edits);
}
