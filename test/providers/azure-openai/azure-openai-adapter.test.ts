import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { azureOpenAiAdapter } from "../../../extproc/src/adapters/providers/azure-openai/index.ts";
import type { ApiKind } from "../../../extproc/src/pipeline/policy-input.ts";
import type { ProviderInfo } from "../../../extproc/src/pipeline/provider-translation.ts";
import { type ParsedJsonBody, parseStrictJson } from "../../../extproc/src/pipeline/strict-json.ts";
import { PROVIDER_ADAPTERS } from "../../../extproc/src/provider-adapters.ts";

const azure: ProviderInfo = { hosting: "external", api: "azure-openai", api_version: "2024-10-21" };

function parsed(text: string): ParsedJsonBody {
  const result = parseStrictJson(text);
  assert.ok(result.ok);
  return result.value;
}

function translate(api: ApiKind, text: string, deployment = "gpt-4o", provider = azure) {
  const result = azureOpenAiAdapter.translateRequest(api, parsed(text), deployment, provider);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  return result.value;
}

describe("Azure OpenAI adapter", () => {
  it("is the adapter of providers whose api is azure-openai", () => {
    assert.equal(PROVIDER_ADAPTERS.get("azure-openai"), azureOpenAiAdapter);
  });

  it("sends each API to its deployment operation with the provider's api-version", () => {
    const body = '{"model":"gpt-4o-azure","messages":[{"role":"user","content":"hi"}]}';
    const cases: [ApiKind, string][] = [
      ["openai.chat_completions", "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"],
      ["openai.completions", "/openai/deployments/gpt-4o/completions?api-version=2024-10-21"],
      ["openai.embeddings", "/openai/deployments/gpt-4o/embeddings?api-version=2024-10-21"],
    ];
    for (const [api, path] of cases) {
      const request = translate(api, body);
      assert.equal(request.method, "POST");
      assert.equal(request.path, path, api);
      assert.deepEqual(request.headers, { "content-type": "application/json" });
    }
    const preview = { ...azure, api_version: "2025-01-01-preview" };
    assert.equal(
      translate("openai.chat_completions", body, "gpt-4o", preview).path,
      "/openai/deployments/gpt-4o/chat/completions?api-version=2025-01-01-preview",
    );
  });

  it("encodes the deployment name, so it can never add path segments or query parameters", () => {
    const request = translate(
      "openai.chat_completions",
      '{"model":"x","messages":[]}',
      "../a b?api-version=1#",
    );
    assert.equal(
      request.path,
      "/openai/deployments/..%2Fa%20b%3Fapi-version%3D1%23/chat/completions?api-version=2024-10-21",
    );
  });

  it("keeps the caller's body byte for byte except the model token, which names the deployment", () => {
    const text =
      '{ "messages" : [{"role":"user","content":"caf\\u00e9 \\"q\\""}],\n "model":"gpt-4o-azure", "n":1 }';
    const request = translate("openai.chat_completions", text);
    assert.equal(request.body.toString("utf8"), text.replace('"gpt-4o-azure"', '"gpt-4o"'));
    const unchanged = '{"model":"gpt-4o","input":"x"}';
    assert.equal(translate("openai.embeddings", unchanged).body.toString("utf8"), unchanged);
  });

  it("refuses an API Azure has no deployment operation for with 422", () => {
    const result = azureOpenAiAdapter.translateRequest("openai.models", parsed("{}"), "gpt-4o", azure);
    assert.ok(!result.ok);
    assert.equal(result.error.status, 422);
    assert.equal(result.error.code, "unsupported_feature");
  });

  it("fails loudly when handed a provider without api_version (the directory forbids it)", () => {
    assert.throws(
      () =>
        azureOpenAiAdapter.translateRequest("openai.chat_completions", parsed("{}"), "gpt-4o", {
          hosting: "external",
          api: "azure-openai",
        }),
      /api_version/,
    );
  });

  it("sends the key in api-key, and owns api-key and authorization so no other credential reaches Azure", () => {
    assert.deepEqual(azureOpenAiAdapter.credentialHeaders("azure-key"), [
      { name: "api-key", value: "azure-key" },
    ]);
    assert.ok(azureOpenAiAdapter.ownedHeaders.includes("api-key"));
    assert.ok(azureOpenAiAdapter.ownedHeaders.includes("authorization"));
    // An attempt clears what any registered adapter owns: an Azure key never follows a retry elsewhere.
    const cleared = new Set([...PROVIDER_ADAPTERS.values()].flatMap((adapter) => adapter.ownedHeaders));
    assert.ok(cleared.has("api-key"));
  });

  it("passes OpenAI-shaped answers through untranslated", () => {
    assert.equal(azureOpenAiAdapter.translatesAnswers("openai.chat_completions"), false);
    const body = Buffer.from('{"object":"chat.completion"}');
    assert.deepEqual(azureOpenAiAdapter.translateAnswer(200, body, "gpt-4o"), {
      status: 200,
      body,
      usage: undefined,
    });
    const stream = azureOpenAiAdapter.streamTranslator("gpt-4o", true);
    assert.equal(stream.push(Buffer.from("data: {}\n\n")).toString(), "data: {}\n\n");
  });
});
