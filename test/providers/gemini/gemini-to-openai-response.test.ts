import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  geminiToOpenAiChat,
  type ResponseStamps,
} from "../../../extproc/src/adapters/providers/gemini/index.ts";

const stamps: ResponseStamps = { id: (r) => `chatcmpl-${r ?? "fixed"}`, nowSeconds: () => 1_700_000_000 };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

interface OpenAiBody {
  choices: Array<{
    index: number;
    finish_reason: string;
    message: { content: string | null; tool_calls?: unknown };
  }>;
  error: { code: string };
}

function translate(status: number, body: unknown) {
  const out = geminiToOpenAiChat(
    status,
    typeof body === "string" ? Buffer.from(body) : json(body),
    "gpt-4o",
    stamps,
  );
  return { ...out, json: JSON.parse(out.body.toString("utf8")) as OpenAiBody };
}

describe("Gemini generateContent answer → OpenAI chat.completion", () => {
  it("maps text, usage with thinking tokens, ids and the caller's model name", () => {
    const out = translate(200, {
      candidates: [
        {
          content: {
            role: "model",
            parts: [{ text: "thinking...", thought: true }, { text: "Hel" }, { text: "lo" }],
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 5,
        candidatesTokenCount: 2,
        thoughtsTokenCount: 3,
        totalTokenCount: 10,
      },
      responseId: "abc",
    });
    assert.equal(out.status, 200);
    assert.deepEqual(out.json, {
      id: "chatcmpl-abc",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "gpt-4o",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello", refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: {
        prompt_tokens: 5,
        completion_tokens: 5,
        total_tokens: 10,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 3 },
      },
      system_fingerprint: null,
    });
    assert.deepEqual(out.usage, { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 });
  });

  it("turns function calls into tool_calls with numbered ids and finish_reason tool_calls", () => {
    const out = translate(200, {
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { functionCall: { name: "a", args: { x: 1 } }, thoughtSignature: "c2ln" },
              { functionCall: { name: "b" } },
            ],
          },
          finishReason: "STOP",
        },
      ],
    });
    const choice = out.json.choices[0];
    assert.equal(choice?.finish_reason, "tool_calls");
    assert.equal(choice?.message?.content, null);
    assert.deepEqual(choice?.message?.tool_calls, [
      { id: "call_0", type: "function", function: { name: "a", arguments: '{"x":1}' } },
      { id: "call_1", type: "function", function: { name: "b", arguments: "{}" } },
    ]);
  });

  const finishReasons: ReadonlyArray<[string, string]> = [
    ["STOP", "stop"],
    ["MAX_TOKENS", "length"],
    ["SAFETY", "content_filter"],
    ["RECITATION", "content_filter"],
    ["BLOCKLIST", "content_filter"],
    ["PROHIBITED_CONTENT", "content_filter"],
    ["SPII", "content_filter"],
    ["OTHER", "stop"],
  ];
  for (const [gemini, openai] of finishReasons) {
    it(`maps finish reason ${gemini} to ${openai}`, () => {
      const out = translate(200, {
        candidates: [{ content: { parts: [{ text: "x" }] }, finishReason: gemini }],
      });
      assert.equal(out.json.choices[0]?.finish_reason, openai);
    });
  }

  it("maps every candidate to a choice", () => {
    const part = (text: string) => ({ content: { parts: [{ text }] }, finishReason: "STOP" });
    const out = translate(200, {
      candidates: [
        { ...part("a"), index: 0 },
        { ...part("b"), index: 1 },
      ],
    });
    const choices = out.json.choices;
    assert.deepEqual(
      choices.map((c) => [c.index, c.message.content]),
      [
        [0, "a"],
        [1, "b"],
      ],
    );
  });

  it("answers a prompt Gemini blocked with 400 content_filter, keeping the usage", () => {
    const out = translate(200, {
      promptFeedback: { blockReason: "SAFETY" },
      usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 },
    });
    assert.equal(out.status, 400);
    assert.deepEqual(out.json, {
      error: {
        message: "The prompt was blocked by the provider (SAFETY).",
        type: "invalid_request_error",
        param: "messages",
        code: "content_filter",
      },
    });
    assert.deepEqual(out.usage, { prompt_tokens: 4, completion_tokens: 0, total_tokens: 4 });
  });

  const errors: ReadonlyArray<[number, string, string]> = [
    [429, "RESOURCE_EXHAUSTED", "rate_limit_error"],
    [503, "UNAVAILABLE", "api_error"],
    [400, "INVALID_ARGUMENT", "invalid_request_error"],
    [403, "PERMISSION_DENIED", "permission_error"],
    [401, "UNAUTHENTICATED", "authentication_error"],
  ];
  for (const [status, google, type] of errors) {
    it(`keeps HTTP ${status} for a Google ${google} error, in OpenAI's shape`, () => {
      const out = translate(status, { error: { code: status, message: "boom", status: google } });
      assert.equal(out.status, status);
      assert.deepEqual(out.json, {
        error: { message: "boom", type, param: null, code: google.toLowerCase() },
      });
      assert.equal(out.usage, undefined);
    });
  }

  it("answers 502 when a 200 body is not JSON or not a GenerateContentResponse", () => {
    for (const body of ["<html>oops</html>", JSON.stringify({ candidates: "nope" }), "{}"]) {
      const out = translate(200, body);
      assert.equal(out.status, 502, body);
      assert.equal(out.json.error.code, "invalid_provider_response");
    }
  });

  it("keeps the status of an error that is not Google-shaped, with an OpenAI error body", () => {
    const out = translate(503, "upstream connect error");
    assert.equal(out.status, 503);
    assert.equal(out.json.error.code, "invalid_provider_response");
  });

  it("answers 502 when a 200 body is not UTF-8", () => {
    const body = Buffer.concat([
      Buffer.from('{"candidates":[{"content":{"parts":[{"text":"'),
      Buffer.from([0xff]),
      Buffer.from('"}]}}]}'),
    ]);
    const out = geminiToOpenAiChat(200, body, "gpt-4o", stamps);
    assert.equal(out.status, 502);
    assert.equal(JSON.parse(out.body.toString("utf8")).error.code, "invalid_provider_response");
  });

  it("answers 502 for a status that is no error an OpenAI SDK can act on (a proxy's redirect)", () => {
    const out = translate(302, "");
    assert.equal(out.status, 502);
    assert.equal(out.json.error.code, "invalid_provider_response");
  });
});
