import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { anthropicToOpenAiChat } from "../../../extproc/src/adapters/providers/anthropic/index.ts";

const NOW = () => 1_700_000_000_000;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const message = (
  content: unknown[],
  stop_reason: string | null,
  usage: Record<string, number> = { input_tokens: 10, output_tokens: 5 },
) =>
  json({
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude",
    content,
    stop_reason,
    stop_sequence: null,
    usage,
  });
const parse = (body: Buffer) => JSON.parse(body.toString("utf8"));

describe("anthropicToOpenAiChat", () => {
  test("turns a text answer into a chat.completion with usage", () => {
    const out = anthropicToOpenAiChat(
      200,
      message(
        [
          { type: "text", text: "Hel" },
          { type: "text", text: "lo" },
        ],
        "end_turn",
      ),
      "gpt-4o",
      NOW,
    );
    assert.equal(out.status, 200);
    assert.deepEqual(parse(out.body), {
      id: "chatcmpl-msg_1",
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
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    });
    assert.deepEqual(out.usage, { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
  });

  test("turns tool_use blocks into tool_calls with JSON arguments and content null", () => {
    const out = anthropicToOpenAiChat(
      200,
      message([{ type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } }], "tool_use"),
      "m",
    );
    const choice = parse(out.body).choices[0];
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.message.content, null);
    assert.deepEqual(choice.message.tool_calls, [
      { id: "toolu_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
    ]);
  });

  test("counts cached prompt tokens into prompt_tokens", () => {
    const usage = {
      input_tokens: 3,
      cache_creation_input_tokens: 4,
      cache_read_input_tokens: 5,
      output_tokens: 2,
    };
    const out = anthropicToOpenAiChat(200, message([{ type: "text", text: "x" }], "end_turn", usage), "m");
    assert.deepEqual(out.usage, { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 });
    assert.equal(parse(out.body).usage.prompt_tokens_details.cached_tokens, 5);
  });

  test("leaves out block types that have no OpenAI counterpart", () => {
    const out = anthropicToOpenAiChat(
      200,
      message(
        [
          { type: "thinking", thinking: "hmm", signature: "s" },
          { type: "text", text: "ok" },
        ],
        "end_turn",
      ),
      "m",
    );
    assert.equal(parse(out.body).choices[0].message.content, "ok");
  });

  for (const [stop, finish] of [
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
  ] as const) {
    test(`maps stop_reason ${stop} to finish_reason ${finish}`, () => {
      const out = anthropicToOpenAiChat(200, message([{ type: "text", text: "x" }], stop), "m");
      assert.equal(parse(out.body).choices[0].finish_reason, finish);
    });
  }

  for (const [status, type, openAiStatus, openAiType] of [
    [400, "invalid_request_error", 400, "invalid_request_error"],
    [401, "authentication_error", 401, "authentication_error"],
    [403, "permission_error", 403, "permission_error"],
    [404, "not_found_error", 404, "invalid_request_error"],
    [413, "request_too_large", 413, "invalid_request_error"],
    [429, "rate_limit_error", 429, "rate_limit_error"],
    [500, "api_error", 500, "api_error"],
    [529, "overloaded_error", 503, "api_error"],
  ] as const) {
    test(`maps a ${status} ${type} to an OpenAI ${openAiStatus} error`, () => {
      const out = anthropicToOpenAiChat(
        status,
        json({ type: "error", error: { type, message: "why" } }),
        "m",
      );
      assert.equal(out.status, openAiStatus);
      assert.deepEqual(parse(out.body), {
        error: { message: "why", type: openAiType, param: null, code: type },
      });
      assert.equal(out.usage, undefined);
    });
  }

  test("answers 502 when a success body is not JSON", () => {
    const out = anthropicToOpenAiChat(200, Buffer.from("<html>oops"), "m");
    assert.equal(out.status, 502);
    assert.deepEqual(parse(out.body).error, {
      message: "anthropic answered malformed JSON",
      type: "api_error",
      param: null,
      code: "provider_invalid_response",
    });
  });

  test("answers 502 when a success body is JSON but not a message", () => {
    const out = anthropicToOpenAiChat(200, json({ hello: "world" }), "m");
    assert.equal(out.status, 502);
    assert.equal(parse(out.body).error.code, "provider_invalid_response");
  });

  test("answers 502 when a success body is not UTF-8", () => {
    const body = Buffer.concat([
      Buffer.from('{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"'),
      Buffer.from([0xff]),
      Buffer.from('"}],"stop_reason":"end_turn","usage":{}}'),
    ]);
    const out = anthropicToOpenAiChat(200, body, "m");
    assert.equal(out.status, 502);
    assert.equal(parse(out.body).error.code, "provider_invalid_response");
  });

  test("keeps the status of an error answered without an Anthropic error body", () => {
    const out = anthropicToOpenAiChat(503, Buffer.from("upstream connect error"), "m");
    assert.equal(out.status, 503);
    assert.equal(parse(out.body).error.type, "api_error");
  });
});
