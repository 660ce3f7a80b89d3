import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GATEWAY_ERRORS } from "../../extproc/src/pipeline/gateway-errors.ts";
import { openAiErrorResponse } from "../../extproc/src/pipeline/openai-error-body.ts";

const OPENAI_ERROR_TYPES = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "api_error",
]);

describe("the error catalogue", () => {
  it("gives every code a snake_case name, an HTTP error status and an OpenAI error type", () => {
    for (const [code, entry] of Object.entries(GATEWAY_ERRORS)) {
      assert.match(code, /^[a-z][a-z0-9_]*$/, code);
      assert.ok(entry.status >= 400 && entry.status <= 599, code);
      assert.ok(OPENAI_ERROR_TYPES.has(entry.type), code);
    }
  });

  it("answers every code as JSON in OpenAI's error shape, quoting the request id", () => {
    for (const code of Object.keys(GATEWAY_ERRORS) as (keyof typeof GATEWAY_ERRORS)[]) {
      const reply = openAiErrorResponse({ code, message: "why" }, "req-9");
      const body = JSON.parse(reply.body.toString()) as { error: Record<string, unknown> };
      assert.deepEqual(Object.keys(body.error).sort(), ["code", "message", "param", "type"]);
      assert.equal(body.error.code, code);
      assert.equal(body.error.message, "why (request id: req-9)");
      assert.equal(reply.status, GATEWAY_ERRORS[code].status);
      assert.ok(reply.headers.some((h) => h.name === "content-type" && h.value === "application/json"));
    }
  });

  it("lets a policy denial carry the policy's reason code and status", () => {
    const reply = openAiErrorResponse(
      { code: "policy_denied", message: "no", status: 404, reasonCodes: ["unknown_api"] },
      "req-1",
    );
    assert.equal(reply.status, 404);
    assert.equal(
      (JSON.parse(reply.body.toString()) as { error: { code: string } }).error.code,
      "unknown_api",
    );
  });
});
