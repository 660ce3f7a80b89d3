import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readPolicyDecision } from "../../extproc/src/pipeline/read-policy-decision.ts";

const allow = {
  allow: true,
  reasons: [],
  route: { provider: "demo", model: "gpt-4o-mini" },
  headers: {},
  audit: { tags: [] },
};

describe("reading the policy decision strictly", () => {
  it("accepts a well-formed allow and a well-formed deny", () => {
    assert.ok(readPolicyDecision([{ result: allow }]).ok);
    const deny = readPolicyDecision([
      {
        result: { allow: false, status: 404, reasons: [{ code: "unknown_api", message: "no" }], route: null },
      },
    ]);
    assert.ok(deny.ok);
    assert.equal(deny.value.status, 404);
    assert.deepEqual(deny.value.headers, {});
  });

  const malformed: [string, unknown][] = [
    ["no result at all (undefined decision)", []],
    ["two results", [{ result: allow }, { result: allow }]],
    ["a bare boolean", [{ result: true }]],
    ["allow given as a string", [{ result: { ...allow, allow: "true" } }]],
    ["a misspelt member", [{ result: { ...allow, alow: true } }]],
    ["an allow without a route", [{ result: { ...allow, route: null } }]],
    ["a deny status outside 400-599", [{ result: { allow: false, status: 200 } }]],
    [
      "a reason code that is not snake_case",
      [{ result: { allow: false, reasons: [{ code: "Bad Code", message: "" }] } }],
    ],
    ["a header outside the x- namespace", [{ result: { ...allow, headers: { authorization: "x" } } }]],
    ["a reserved gateway header", [{ result: { ...allow, headers: { "x-gateway-route": "openai" } } }]],
    [
      "a provider name with path characters",
      [{ result: { ...allow, route: { provider: "../x", model: "m" } } }],
    ],
  ];
  for (const [what, evaluation] of malformed) {
    it(`denies as policy_error on ${what}`, () => {
      const result = readPolicyDecision(evaluation);
      assert.equal(result.ok ? "" : result.error.code, "policy_error");
    });
  }
});
