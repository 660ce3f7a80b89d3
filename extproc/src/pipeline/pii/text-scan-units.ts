import { applyTextEdits, jsonStringValues, type TextEdit } from "../json-string-values.ts";
import type { ModelTextField } from "./model-text-fields.ts";

/**
 * The texts a detector reads. A field is one unit, except a JSON-encoded field (tool-call
 * arguments), whose string values are units of their own: a detector must see `a@b.com`, not the
 * escaped `a\u0040b.com` that JSON allows, and a redaction must keep the arguments valid JSON.
 */
export interface TextScanUnit {
  readonly fieldIndex: number;
  /** Span of the inner string token inside the field's decoded JSON text, for JSON-encoded fields. */
  readonly inner: { readonly start: number; readonly end: number } | undefined;
  readonly text: string;
}

export function textScanUnits(fields: readonly ModelTextField[]): TextScanUnit[] {
  const units: TextScanUnit[] = [];
  fields.forEach((field, fieldIndex) => {
    // Numbers too: tool-call history an app sends back may hold a card as a JSON number. (Answers
    // read only strings, buffered as streamed, whose redactor cannot quote a number it rewrites.)
    const values = field.jsonEncoded ? jsonStringValues(field.text, { withLongIntegers: true }) : undefined;
    if (values !== undefined) {
      for (const { start, end, value } of values)
        units.push({ fieldIndex, inner: { start, end }, text: value });
    } else {
      units.push({ fieldIndex, inner: undefined, text: field.text });
    }
  });
  return units;
}

/** Turns new unit texts into edits of the body text (one re-encoded token per changed field). */
export function fieldEdits(
  fields: readonly ModelTextField[],
  newTexts: ReadonlyMap<TextScanUnit, string>,
): TextEdit[] {
  const innerEdits = new Map<number, TextEdit[]>();
  const wholeField = new Map<number, string>();
  for (const [unit, text] of newTexts) {
    if (unit.inner) {
      const list = innerEdits.get(unit.fieldIndex) ?? [];
      list.push({ start: unit.inner.start, end: unit.inner.end, replacement: JSON.stringify(text) });
      innerEdits.set(unit.fieldIndex, list);
    } else {
      wholeField.set(unit.fieldIndex, text);
    }
  }
  const edits: TextEdit[] = [];
  fields.forEach((field, index) => {
    const inner = innerEdits.get(index);
    const whole = wholeField.get(index);
    const text = inner ? applyTextEdits(field.text, inner) : whole;
    if (text !== undefined)
      edits.push({ start: field.start, end: field.end, replacement: JSON.stringify(text) });
  });
  return edits;
}
