import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { identifyCaller } from "../../extproc/src/pipeline/identify-caller.ts";
import { hashApiKey, type KeyDirectory } from "../../extproc/src/pipeline/key-directory.ts";

const alice = {
  key_id: "k-alice",
  user: "alice@example.com",
  team: "research",
  roles: ["developer"],
  region: null,
};
const keys: KeyDirectory = new Map([[hashApiKey("secret-alice"), alice]]);
const headers = (...pairs: [string, string][]) => pairs.map(([name, value]) => ({ name, value }));

describe("identifying the caller by API key", () => {
  it("finds the principal from a bearer token, an x-api-key or an x-goog-api-key header", () => {
    for (const list of [
      headers(["authorization", "Bearer secret-alice"]),
      headers(["authorization", "bearer   secret-alice "]),
      headers(["x-api-key", "secret-alice"]),
      headers(["authorization", "Bearer secret-alice"], ["x-api-key", "secret-alice"]),
      headers(["x-goog-api-key", "secret-alice"]),
      headers(["x-goog-api-key", "secret-alice"], ["x-api-key", "secret-alice"]),
    ]) {
      const result = identifyCaller(list, keys);
      assert.ok(result.ok, JSON.stringify(list));
      assert.deepEqual(result.value.principal, alice);
    }
  });

  it("answers missing_api_key when no key is sent", () => {
    const result = identifyCaller(headers(["content-type", "application/json"]), keys);
    assert.equal(result.ok ? "" : result.error.code, "missing_api_key");
  });

  it("answers invalid_api_key for an unknown key, a malformed header or two different keys", () => {
    for (const list of [
      headers(["authorization", "Bearer nope"]),
      headers(["authorization", "Basic c2VjcmV0"]),
      headers(["authorization", "Bearer"]),
      headers(["authorization", "Bearer secret-alice"], ["x-api-key", "other"]),
      headers(["x-goog-api-key", "secret-alice"], ["authorization", "Bearer other"]),
      headers(["authorization", "Bearer SECRET-ALICE"]),
    ]) {
      const result = identifyCaller(list, keys);
      assert.equal(result.ok ? "" : result.error.code, "invalid_api_key", JSON.stringify(list));
    }
  });

  it("never puts the key itself into the error message", () => {
    const result = identifyCaller(headers(["authorization", "Bearer leaked-secret-value"]), keys);
    assert.ok(!result.ok);
    assert.ok(!result.error.message.includes("leaked-secret-value"));
  });
});
