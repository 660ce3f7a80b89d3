import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiError, FunctionCallingConfigMode, GoogleGenAI, Type } from "@google/genai";
import { type GeminiUpstream, startGeminiUpstream } from "../../demo/gemini-upstream/index.ts";

const API_KEY = "test-gemini-key";

describe("mock Gemini upstream, driven by the official @google/genai SDK", () => {
  let mock: GeminiUpstream;
  let ai: GoogleGenAI;

  before(async () => {
    mock = await startGeminiUpstream({ apiKey: API_KEY });
    ai = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: mock.url, apiVersion: "v1beta" } });
  });
  after(() => mock.close());

  it("answers generateContent with an echo and usage, and records the key header", async () => {
    const before = mock.requests.length;
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "Hello there",
      config: { systemInstruction: "Be brief.", temperature: 0.1 },
    });
    assert.equal(response.text, "Echo: Hello there");
    assert.equal(response.candidates?.[0]?.finishReason, "STOP");
    const usage = response.usageMetadata;
    assert.ok(usage?.promptTokenCount && usage.candidatesTokenCount);
    assert.equal(usage.totalTokenCount, usage.promptTokenCount + usage.candidatesTokenCount);
    const recorded = mock.requests[before];
    assert.equal(recorded?.path, "/v1beta/models/gemini-2.5-flash:generateContent");
    assert.equal(recorded?.headers["x-goog-api-key"], API_KEY);
  });

  it("streams generateContentStream in several SSE events, finish reason on the last", async () => {
    const stream = await ai.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "one two three four five six seven",
    });
    const texts: string[] = [];
    const finishes: unknown[] = [];
    for await (const chunk of stream) {
      texts.push(chunk.text ?? "");
      finishes.push(chunk.candidates?.[0]?.finishReason);
    }
    assert.ok(texts.length > 1);
    assert.equal(texts.join(""), "Echo: one two three four five six seven");
    assert.equal(finishes.at(-1), "STOP");
    assert.match(mock.requests.at(-1)?.path ?? "", /:streamGenerateContent\?alt=sse$/);
  });

  it("calls the first declared function when asked to use the tool, with its required arguments", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "Please use the tool for Paris",
      config: {
        tools: [
          {
            functionDeclarations: [
              {
                name: "get_weather",
                parameters: {
                  type: Type.OBJECT,
                  properties: { city: { type: Type.STRING }, days: { type: Type.INTEGER } },
                  required: ["city", "days"],
                },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } },
      },
    });
    assert.deepEqual(response.functionCalls, [{ name: "get_weather", args: { city: "example", days: 1 } }]);
  });

  it("answers a function response by describing it", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: [
        { role: "user", parts: [{ text: "use the tool" }] },
        { role: "model", parts: [{ functionCall: { name: "f", args: {} } }] },
        { role: "user", parts: [{ functionResponse: { name: "f", response: { temp: 21 } } }] },
      ],
    });
    assert.equal(response.text, 'The tool f answered {"temp":21}.');
  });

  const failures: ReadonlyArray<[string, number, string]> = [
    ["gemini-fail-503", 503, "UNAVAILABLE"],
    ["gemini-fail-429", 429, "RESOURCE_EXHAUSTED"],
    ["claude-3", 404, "NOT_FOUND"],
  ];
  for (const [model, status, googleStatus] of failures) {
    it(`fails model ${model} with ${status} ${googleStatus}, which the SDK raises as ApiError`, async () => {
      await assert.rejects(ai.models.generateContent({ model, contents: "x" }), (error: unknown) => {
        assert.ok(error instanceof ApiError);
        assert.equal(error.status, status);
        assert.match(error.message, new RegExp(googleStatus));
        return true;
      });
    });
  }

  it("refuses a missing key with 403 and a wrong key with 400 API_KEY_INVALID, as Google does", async () => {
    const call = (headers: Record<string, string>, query = "") =>
      fetch(`${mock.url}/v1beta/models/gemini-2.5-flash:generateContent${query}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ contents: [{ parts: [{ text: "x" }] }] }),
      });
    const missing = await call({});
    assert.equal(missing.status, 403);
    assert.equal(((await missing.json()) as { error: { status: string } }).error.status, "PERMISSION_DENIED");
    const wrong = await call({ "x-goog-api-key": "nope" });
    assert.equal(wrong.status, 400);
    assert.match(JSON.stringify(await wrong.json()), /API_KEY_INVALID/);
    assert.equal((await call({}, `?key=${API_KEY}`)).status, 200);
  });

  const invalidBodies: ReadonlyArray<[string, unknown, RegExp]> = [
    ["empty contents", { contents: [] }, /contents is not specified/],
    [
      "a role other than user/model",
      { contents: [{ role: "assistant", parts: [{ text: "x" }] }] },
      /valid role/,
    ],
    ["empty parts", { contents: [{ role: "user", parts: [] }] }, /parts must not be empty/],
    ["an OpenAI field", { contents: [{ parts: [{ text: "x" }] }], messages: [] }, /Unknown name "messages"/],
    [
      "additionalProperties in a function schema",
      {
        contents: [{ parts: [{ text: "x" }] }],
        tools: [
          {
            functionDeclarations: [
              { name: "f", parameters: { type: "OBJECT", additionalProperties: false } },
            ],
          },
        ],
      },
      /Unknown name "additionalProperties" at 'tools\[0\]\.function_declarations\[0\]\.parameters'/,
    ],
  ];
  for (const [name, body, message] of invalidBodies) {
    it(`refuses ${name} with 400 INVALID_ARGUMENT`, async () => {
      const res = await fetch(`${mock.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": API_KEY },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400);
      const error = ((await res.json()) as { error: { code: number; status: string; message: string } })
        .error;
      assert.equal(error.code, 400);
      assert.equal(error.status, "INVALID_ARGUMENT");
      assert.match(error.message, message);
    });
  }

  it("streams a JSON array without alt=sse, as Gemini does", async () => {
    const res = await fetch(`${mock.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": API_KEY },
      body: JSON.stringify({ contents: [{ parts: [{ text: "array please" }] }] }),
    });
    const events = (await res.json()) as Array<{
      candidates: Array<{ content: { parts: Array<{ text: string }> } }>;
    }>;
    assert.ok(events.length > 1);
    assert.equal(events.map((e) => e.candidates[0]?.content.parts[0]?.text).join(""), "Echo: array please");
  });

  it("cuts the stream mid-way for a fail-cut model, which the SDK sees as an unfinished stream", async () => {
    const stream = await ai.models.generateContentStream({
      model: "gemini-fail-cut",
      contents: "a b c d e f g h i j k l",
    });
    const finishes: unknown[] = [];
    await assert.rejects(async () => {
      for await (const chunk of stream) finishes.push(chunk.candidates?.[0]?.finishReason);
    });
    assert.ok(finishes.length > 0 && finishes.every((f) => f === undefined));
  });
});
