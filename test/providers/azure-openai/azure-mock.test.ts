import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type AzureMock, startAzureMock } from "./azure-mock.ts";

/** The mock must refuse what Azure refuses, or the end-to-end tests would prove nothing. */
let mock: AzureMock;
before(async () => {
  mock = await startAzureMock({ apiKey: "azure-key" });
});
after(async () => {
  await mock.close();
});

const CHAT = "/openai/deployments/gpt-4o/chat/completions";
const body = JSON.stringify({ messages: [{ role: "user", content: "hello azure" }] });

async function post(
  path: string,
  headers: Record<string, string> = { "api-key": "azure-key" },
  payload = body,
) {
  const response = await fetch(`${mock.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: payload,
  });
  return { status: response.status, text: await response.text(), type: response.headers.get("content-type") };
}

describe("the Azure OpenAI mock", () => {
  it("answers a chat.completion on a known deployment, echoing the last user message", async () => {
    const answer = await post(`${CHAT}?api-version=2024-10-21`);
    assert.equal(answer.status, 200);
    const json = JSON.parse(answer.text) as {
      object: string;
      model: string;
      choices: { message: { content: string } }[];
    };
    assert.equal(json.object, "chat.completion");
    assert.equal(json.model, "gpt-4o-2024-08-06");
    assert.equal(json.choices[0]?.message.content, "Echo: hello azure");
  });

  it("streams SSE ending in [DONE] when asked", async () => {
    const streamed = JSON.stringify({ messages: [{ role: "user", content: "hi" }], stream: true });
    const answer = await post(`${CHAT}?api-version=2024-10-21`, { "api-key": "azure-key" }, streamed);
    assert.match(answer.type ?? "", /^text\/event-stream/);
    assert.match(answer.text, /"prompt_filter_results"/);
    assert.ok(answer.text.endsWith("data: [DONE]\n\n"));
  });

  it("refuses a missing or wrong api-key, and a bearer token, with 401 in Azure's shape", async () => {
    const refused: Record<string, string>[] = [
      {},
      { "api-key": "wrong" },
      { authorization: "Bearer azure-key" },
    ];
    for (const headers of refused) {
      const answer = await post(`${CHAT}?api-version=2024-10-21`, headers);
      assert.equal(answer.status, 401, JSON.stringify(headers));
      assert.equal((JSON.parse(answer.text) as { error: { code: string } }).error.code, "401");
    }
  });

  it("refuses a missing or unknown api-version, another path shape and an unknown deployment", async () => {
    assert.equal((await post(CHAT)).status, 404);
    assert.equal((await post(`${CHAT}?api-version=2099-01-01`)).status, 400);
    assert.equal((await post("/v1/chat/completions?api-version=2024-10-21")).status, 404);
    const unknown = await post("/openai/deployments/nope/chat/completions?api-version=2024-10-21");
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /DeploymentNotFound/);
  });
});
