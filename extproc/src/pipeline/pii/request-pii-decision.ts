import { fail, ok, type Result } from "../gateway-errors.ts";
import type { TextEdit } from "../json-string-values.ts";
import type { DecisionPii } from "../policy-decision.ts";
import type { PiiSummary } from "../policy-input.ts";
import { type PiiAction, PiiReplacements } from "./pii-replacements.ts";
import { type RequestPiiScan, replaceMatches } from "./request-pii.ts";
import { fieldEdits, type TextScanUnit } from "./text-scan-units.ts";

export interface PiiCount {
  readonly type: string;
  readonly action: PiiAction;
  readonly direction: "request" | "response";
  readonly count: number;
}

export interface AppliedRequestPii {
  readonly replacements: PiiReplacements;
  /** Edits of the body text that put placeholders and pseudonyms in place of the values. */
  readonly edits: readonly TextEdit[];
}

/**
 * Carries out the policy's PII actions on a request. A type the policy marked `block` refuses the
 * request even if the policy allowed it: a decision must not contradict itself into a leak.
 */
export function applyRequestPii(
  scan: RequestPiiScan | undefined,
  decision: DecisionPii,
  hmacKey: Buffer | undefined,
  provider: string,
): Result<AppliedRequestPii> {
  const actions = new Map<string, PiiAction>(Object.entries(decision.actions));
  const occupied = scan && scan.hits.length > 0 ? scan.fields.map((field) => field.text).join("\n") : "";
  const replacements = new PiiReplacements(actions, hmacKey, decision.default_action, occupied);
  if (!scan) {
    replacements.endRequest();
    return ok({ replacements, edits: [] });
  }

  const blocked = scan.summary.findings.filter((finding) => replacements.actionFor(finding.type) === "block");
  if (blocked.length > 0) {
    const types = blocked.map((finding) => finding.type).join(", ");
    return fail("policy_denied", `the request contains ${types}, which may not be sent to '${provider}'`, {
      reasonCodes: ["pii_blocked"],
    });
  }
  const newTexts = new Map<TextScanUnit, string>();
  for (const { unit, matches } of scan.hits) {
    const text = replaceMatches(unit.text, matches, replacements);
    if (text !== unit.text) newTexts.set(unit, text);
  }
  replacements.endRequest();
  return ok({ replacements, edits: fieldEdits(scan.fields, newTexts) });
}

/** What happened to each type found in the request, for the audit row (denied requests included). */
export function requestPiiCounts(
  summary: PiiSummary,
  decision: DecisionPii,
  hmacKey: Buffer | undefined,
): PiiCount[] {
  return summary.findings.map((finding) => ({
    type: finding.type,
    action: effectiveAction(decision.actions[finding.type] ?? decision.default_action, hmacKey),
    direction: "request",
    count: finding.count,
  }));
}

function effectiveAction(action: PiiAction, hmacKey: Buffer | undefined): PiiAction {
  return action === "hash" && !hmacKey ? "redact" : action;
}
