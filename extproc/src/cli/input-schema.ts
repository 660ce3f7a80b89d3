import { z } from "zod";
import { PolicyDecision } from "../pipeline/policy-decision.ts";
import { PolicyInput } from "../pipeline/policy-input.ts";

/** JSON Schemas of the policy contract, generated from the zod types the processor enforces. */
export function policyInputJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(PolicyInput, { target: "draft-7" }), null, 2)}\n`;
}

export function policyDecisionJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(PolicyDecision, { target: "draft-7", io: "input" }), null, 2)}\n`;
}
