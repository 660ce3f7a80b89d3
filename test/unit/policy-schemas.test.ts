import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { policyDecisionJsonSchema, policyInputJsonSchema } from "../../extproc/src/cli/input-schema.ts";

describe("the published policy contract", () => {
  it("policies/input.schema.json is generated from the processor's input type", () => {
    assert.equal(
      readFileSync("policies/input.schema.json", "utf8"),
      policyInputJsonSchema(),
      "stale schema: run npm run policy-schemas",
    );
  });

  it("policies/schemas/decision.schema.json is generated from the processor's decision type", () => {
    assert.equal(
      readFileSync("policies/schemas/decision.schema.json", "utf8"),
      policyDecisionJsonSchema(),
      "stale schema: run npm run policy-schemas",
    );
  });
});
