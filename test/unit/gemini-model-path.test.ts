import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyApi } from "../../extproc/src/pipeline/classify-api.ts";

/**
 * Gemini names the model in the path, and the policy judges that model: the gateway reads it the
 * one way Gemini would, and refuses (400 model_path_invalid) any path two readers could disagree on.
 */
describe("reading the model from a Gemini path", () => {
  it("reads generateContent and streamGenerateContent?alt=sse under v1beta or v1, as the @google/genai SDK sends them", () => {
    assert.deepEqual(classifyApi("POST", "/v1beta/models/gemini-2.5-flash:generateContent", "", []), {
      api: "gemini.generate_content",
      pathModel: "gemini-2.5-flash",
      problem: undefined,
    });
    assert.deepEqual(
      classifyApi("POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "alt=sse", []),
      {
        api: "gemini.stream_generate_content",
        pathModel: "gemini-2.5-flash",
        problem: undefined,
      },
    );
  });

  it("refuses what could name another model or reach another resource", () => {
    for (const path of [
      "/v1beta/models/gemini-2.5-flash%3AgenerateContent",
      "/v1beta/models/gemini%2D2.5-flash:generateContent",
      "/v1beta/models/../tunedModels/x:generateContent",
      "/v1beta/models/a/b:generateContent",
      "/v1beta/models/..:generateContent",
      "/v1beta/models/.hidden:generateContent",
      "/v1beta/models/:generateContent",
      "/v1beta/models/Gemini-2.5-Flash:generateContent",
      "/v1beta/models/gemini 2.5:generateContent",
      "/v1beta/models/a:b:generateContent",
      "/v1beta/models/gemini-2.5-flash:generateContent/extra",
      "/v1beta/models/gemini-2.5-flash:GenerateContent",
      "/v1/models/gemini-2.5-flash%3AstreamGenerateContent",
    ]) {
      const result = classifyApi("POST", path, "", []);
      assert.equal(result.problem?.code, "model_path_invalid", path);
      assert.equal(result.pathModel, undefined, path);
    }
  });

  it("refuses a key in the URL, with a message that says where the key goes", () => {
    for (const query of ["key=secret", "alt=sse&key=secret", "KEY=secret"]) {
      const result = classifyApi("POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", query, []);
      assert.equal(result.problem?.code, "model_path_invalid", query);
      assert.match(result.problem?.message ?? "", /x-goog-api-key/, query);
    }
  });

  it("takes a stream only as server-sent events, and no other query parameter", () => {
    const refused: [string, string][] = [
      ["streamGenerateContent", ""],
      ["streamGenerateContent", "alt=json"],
      ["streamGenerateContent", "alt=sse&alt=sse"],
      ["generateContent", "alt=sse"],
      ["generateContent", "prettyPrint=false"],
      ["streamGenerateContent", "alt=sse&k%65y=secret"],
      ["generateContent", "k%65y=secret"],
    ];
    for (const [method, query] of refused) {
      const result = classifyApi("POST", `/v1beta/models/gemini-2.5-flash:${method}`, query, []);
      assert.equal(result.problem?.code, "model_path_invalid", `${method}?${query}`);
    }
  });

  it("leaves other Gemini methods and versions to the policy as unknown APIs (404)", () => {
    for (const [method, path] of [
      ["POST", "/v1beta/models/gemini-2.5-flash:countTokens"],
      ["POST", "/v2/models/gemini-2.5-flash:generateContent"],
      ["GET", "/v1beta/models/gemini-2.5-flash:generateContent"],
      ["POST", "/v1beta/tunedModels/x:generateContent"],
    ] as const) {
      assert.deepEqual(classifyApi(method, path, "", []), {
        api: "unknown",
        pathModel: undefined,
        problem: undefined,
      });
    }
  });

  it("reads Anthropic's POST /v1/messages exactly", () => {
    assert.equal(classifyApi("POST", "/v1/messages", "", []).api, "anthropic.messages");
    assert.equal(classifyApi("POST", "/v1/messages/", "", []).api, "unknown");
    assert.equal(classifyApi("POST", "/v1/messages/count_tokens", "", []).api, "unknown");
  });

  it("reads model listings by path, in the shape of the SDK whose header the caller sends", () => {
    const header = (name: string) => [{ name, value: "x" }];
    const read = (path: string, headers: { name: string; value: string }[] = []) => {
      const { api, listedModel } = classifyApi("GET", path, "", headers);
      return [api, listedModel];
    };
    assert.deepEqual(read("/v1/models"), ["openai.models", undefined]);
    assert.deepEqual(read("/v1/models", header("anthropic-version")), ["anthropic.models", undefined]);
    assert.deepEqual(read("/v1/models", header("x-goog-api-key")), ["gemini.models", undefined]);
    assert.deepEqual(read("/v1beta/models"), ["gemini.models", undefined]);
    assert.deepEqual(read("/v1/models/ft:gpt-4o-mini:acme::abc123"), [
      "openai.models",
      "ft:gpt-4o-mini:acme::abc123",
    ]);
    assert.deepEqual(read("/v1beta/models/gemini-2.5-flash"), ["gemini.models", "gemini-2.5-flash"]);
    for (const path of [
      "/v1/models/",
      "/v1/models/a/b",
      "/v1/models/%2e%2e",
      "/v1beta/models/gemini-2.5-flash:generateContent",
    ]) {
      assert.deepEqual(read(path), ["unknown", undefined], path);
    }
  });
});
