import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { callerErrorResponse } from "../../extproc/src/pipeline/caller-error-response.ts";
import { GATEWAY_ERRORS } from "../../extproc/src/pipeline/gateway-errors.ts";

describe("the error catalogue", () => {
  it("gives every code a snake_case name and an HTTP error status", () => {
    for (const [code, entry] of Object.entries(GATEWAY_ERRORS)) {
      assert.match(code, /^[a-z][a-z0-9_]*$/, code);
      assert.ok(entry.status >= 400 && entry.status <= 599, code);
    }
  });

  it("answers every code as JSON in OpenAI's error shape, quoting the request id", () => {
    for (const code of Object.keys(GATEWAY_ERRORS) as (keyof typeof GATEWAY_ERRORS)[]) {
      const reply = callerErrorResponse({ code, message: "why" }, "openai.chat_completions", "req-9");
      const body = JSON.parse(reply.body.toString()) as { error: Record<string, unknown> };
      assert.deepEqual(Object.keys(body.error).sort(), ["code", "message", "param", "type"]);
      assert.equal(body.error.code, code);
      assert.equal(body.error.message, "why (request id: req-9)");
      assert.equal(reply.status, GATEWAY_ERRORS[code].status);
      assert.ok(reply.headers.some((h) => h.name === "content-type" && h.value === "application/json"));
    }
  });

  it("lets a policy denial carry the policy's reason code and status", () => {
    const reply = callerErrorResponse(
      { code: "policy_denied", message: "no", status: 404, reasonCodes: ["unknown_api"] },
      "unknown",
      "req-1",
    );
    assert.equal(reply.status, 404);
    // The type follows the status the caller gets, as OpenAI's own errors do.
    assert.deepEqual((JSON.parse(reply.body.toString()) as { error: { code: string; type: string } }).error, {
      code: "unknown_api",
      type: "not_found_error",
      message: "no (request id: req-1)",
      param: null,
    });
  });

  it("answers an Anthropic caller in Anthropic's shape, with the type its SDK expects", () => {
    const cases = [
      [
        { code: "policy_denied", message: "not for you", reasonCodes: ["model_not_approved"] },
        403,
        "permission_error",
      ],
      [{ code: "invalid_api_key", message: "who?" }, 401, "authentication_error"],
      [{ code: "invalid_request", message: "bad" }, 400, "invalid_request_error"],
      [
        { code: "policy_denied", message: "no", status: 404, reasonCodes: ["unknown_api"] },
        404,
        "not_found_error",
      ],
      [{ code: "policy_denied", message: "slow down", status: 429 }, 429, "rate_limit_error"],
      [{ code: "provider_auth_failed", message: "provider said no" }, 502, "api_error"],
      [{ code: "overloaded", message: "busy" }, 503, "overloaded_error"],
    ] as const;
    for (const [error, status, type] of cases) {
      const reply = callerErrorResponse(error, "anthropic.messages", "req-a");
      const body = JSON.parse(reply.body.toString()) as unknown;
      assert.equal(reply.status, status);
      assert.deepEqual(body, {
        type: "error",
        error: { type, message: `${error.message} (request id: req-a)` },
        request_id: "req-a",
      });
    }
  });

  it("answers a Gemini caller with a google.rpc status, the gateway's code in ErrorInfo", () => {
    const cases = [
      [
        { code: "policy_denied", message: "no", reasonCodes: ["model_not_approved"] },
        403,
        "PERMISSION_DENIED",
        "MODEL_NOT_APPROVED",
      ],
      [{ code: "invalid_api_key", message: "who?" }, 401, "UNAUTHENTICATED", "INVALID_API_KEY"],
      [{ code: "model_path_invalid", message: "bad path" }, 400, "INVALID_ARGUMENT", "MODEL_PATH_INVALID"],
      [
        { code: "provider_auth_failed", message: "provider said no" },
        502,
        "INTERNAL",
        "PROVIDER_AUTH_FAILED",
      ],
      [{ code: "overloaded", message: "busy" }, 503, "UNAVAILABLE", "OVERLOADED"],
    ] as const;
    for (const api of ["gemini.generate_content", "gemini.stream_generate_content"] as const) {
      for (const [error, status, rpcStatus, reason] of cases) {
        const reply = callerErrorResponse(error, api, "req-g");
        const body = JSON.parse(reply.body.toString()) as unknown;
        assert.equal(reply.status, status);
        assert.deepEqual(body, {
          error: {
            code: status,
            message: `${error.message} (request id: req-g)`,
            status: rpcStatus,
            details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason, domain: "llm-gateway" }],
          },
        });
      }
    }
  });
});
