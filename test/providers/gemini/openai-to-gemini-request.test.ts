import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openAiChatToGemini } from "../../../extproc/src/adapters/providers/gemini/index.ts";

function geminiBody(body: Record<string, unknown>, model = "gemini-2.5-flash"): Record<string, unknown> {
  const result = openAiChatToGemini(body, model);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  return JSON.parse(result.value.body.toString("utf8")) as Record<string, unknown>;
}

const user = (content: unknown) => ({ role: "user", content });
const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { city: { type: "string" }, unit: { type: ["string", "null"], enum: ["c", "f", null] } },
      required: ["city"],
      additionalProperties: false,
    },
    strict: true,
  },
};
const call = (id: string, name: string, args: string) => ({
  id,
  type: "function",
  function: { name, arguments: args },
});

describe("OpenAI chat request → Gemini generateContent", () => {
  it("targets generateContent, or streamGenerateContent with alt=sse when the caller streams", () => {
    const plain = openAiChatToGemini({ messages: [user("hi")] }, "gemini-2.5-flash");
    const streamed = openAiChatToGemini({ messages: [user("hi")], stream: true }, "gemini-2.5-flash");
    assert.ok(plain.ok && streamed.ok);
    assert.equal(plain.value.path, "/v1beta/models/gemini-2.5-flash:generateContent");
    assert.equal(streamed.value.path, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    assert.deepEqual(plain.value.headers, { "content-type": "application/json" });
  });

  const mappings: ReadonlyArray<{
    name: string;
    request: Record<string, unknown>;
    expect: Record<string, unknown>;
  }> = [
    {
      name: "system and developer messages join systemInstruction; assistant becomes model; same roles merge",
      request: {
        messages: [
          { role: "system", content: "Be brief." },
          { role: "developer", content: [{ type: "text", text: "Use French." }] },
          user("a"),
          user([{ type: "text", text: "b" }]),
          { role: "assistant", content: "c" },
        ],
      },
      expect: {
        systemInstruction: { parts: [{ text: "Be brief." }, { text: "Use French." }] },
        contents: [
          { role: "user", parts: [{ text: "a" }, { text: "b" }] },
          { role: "model", parts: [{ text: "c" }] },
        ],
      },
    },
    {
      name: "base64 data URLs become inlineData and https URLs fileData with the type from the extension",
      request: {
        messages: [
          user([
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.JPG", detail: "low" } },
            { type: "image_url", image_url: { url: "https://example.com/render?id=1" } },
            { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
          ]),
        ],
      },
      expect: {
        contents: [
          {
            role: "user",
            parts: [
              { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
              { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.JPG" } },
              { fileData: { fileUri: "https://example.com/render?id=1" } },
              { inlineData: { mimeType: "audio/wav", data: "UklGRg==" } },
            ],
          },
        ],
      },
    },
    {
      name: "tools become functionDeclarations in Gemini's schema subset and a named tool_choice ANY",
      request: {
        messages: [user("weather?")],
        tools: [weatherTool],
        tool_choice: { type: "function", function: { name: "get_weather" } },
      },
      expect: {
        contents: [{ role: "user", parts: [{ text: "weather?" }] }],
        tools: [
          {
            functionDeclarations: [
              {
                name: "get_weather",
                description: "Weather for a city",
                parameters: {
                  type: "OBJECT",
                  properties: {
                    city: { type: "STRING" },
                    unit: { nullable: true, type: "STRING", enum: ["c", "f"] },
                  },
                  required: ["city"],
                },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } },
      },
    },
    {
      name: "tool calls become functionCall parts with a thought signature, results functionResponse parts",
      request: {
        messages: [
          user("weather in Paris and Rome?"),
          {
            role: "assistant",
            content: null,
            tool_calls: [
              call("call_a", "get_weather", '{"city":"Paris"}'),
              call("call_b", "get_weather", '{"city":"Rome"}'),
            ],
          },
          { role: "tool", tool_call_id: "call_a", content: '{"temp":21}' },
          { role: "tool", tool_call_id: "call_b", content: "sunny" },
        ],
        tools: [weatherTool],
        tool_choice: "auto",
      },
      expect: {
        contents: [
          { role: "user", parts: [{ text: "weather in Paris and Rome?" }] },
          {
            role: "model",
            parts: [
              {
                functionCall: { name: "get_weather", args: { city: "Paris" } },
                thoughtSignature: "skip_thought_signature_validator",
              },
              { functionCall: { name: "get_weather", args: { city: "Rome" } } },
            ],
          },
          {
            role: "user",
            parts: [
              { functionResponse: { name: "get_weather", response: { temp: 21 } } },
              { functionResponse: { name: "get_weather", response: { output: "sunny" } } },
            ],
          },
        ],
        tools: geminiBodyTools(),
        toolConfig: { functionCallingConfig: { mode: "AUTO" } },
      },
    },
    {
      name: "sampling, limits, stop, n, seed and penalties become generationConfig",
      request: {
        messages: [user("x")],
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 10,
        max_completion_tokens: 20,
        stop: "END",
        n: 2,
        seed: 7,
        presence_penalty: 0.5,
        frequency_penalty: -0.5,
        user: "u-1",
        response_format: { type: "json_object" },
      },
      expect: {
        contents: [{ role: "user", parts: [{ text: "x" }] }],
        generationConfig: {
          responseMimeType: "application/json",
          temperature: 0.2,
          topP: 0.9,
          maxOutputTokens: 20,
          stopSequences: ["END"],
          candidateCount: 2,
          seed: 7,
          presencePenalty: 0.5,
          frequencyPenalty: -0.5,
        },
      },
    },
    {
      name: "a json_schema response_format becomes responseSchema",
      request: {
        messages: [user("x")],
        response_format: {
          type: "json_schema",
          json_schema: {
            name: "answer",
            strict: true,
            schema: {
              type: "object",
              properties: { kind: { const: "a" }, tags: { type: "array", items: { type: "string" } } },
              required: ["kind", "tags"],
              additionalProperties: false,
            },
          },
        },
      },
      expect: {
        contents: [{ role: "user", parts: [{ text: "x" }] }],
        generationConfig: {
          responseMimeType: "application/json",
          responseSchema: {
            type: "OBJECT",
            properties: { kind: { enum: ["a"] }, tags: { type: "ARRAY", items: { type: "STRING" } } },
            required: ["kind", "tags"],
          },
        },
      },
    },
  ];

  for (const { name, request, expect } of mappings) {
    it(name, () => assert.deepEqual(geminiBody(request), expect));
  }
});

function geminiBodyTools(): unknown {
  return [
    {
      functionDeclarations: [
        {
          name: "get_weather",
          description: "Weather for a city",
          parameters: {
            type: "OBJECT",
            properties: {
              city: { type: "STRING" },
              unit: { nullable: true, type: "STRING", enum: ["c", "f"] },
            },
            required: ["city"],
          },
        },
      ],
    },
  ];
}
