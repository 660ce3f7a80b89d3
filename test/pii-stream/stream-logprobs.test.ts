import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { geminiChunkCodec } from "../../extproc/src/pipeline/pii/stream/gemini-chunk-codec.ts";
import { openAiChunkCodec } from "../../extproc/src/pipeline/pii/stream/openai-chunk-codec.ts";
import { redactAtEveryCut } from "./redact-bytes.ts";
import { readAsOpenAiSdk } from "./sdk-readers.ts";

/**
 * Logprobs spell the answer token by token (`jane`, `.doe`, `@example`): an entity redacted in the
 * content would reach the client through them, and no detector finds an entity cut into tokens.
 * A stream cannot know what later chunks hold when it must send this one, so whenever the policy
 * rewrites answers (the only time the redactor runs) every chunk loses them.
 */
const TOKENS = ["Write", " to", " alice", ".smith", "@example", ".com"];

function logprob(token: string): Record<string, unknown> {
  return {
    token,
    logprob: -0.1,
    bytes: [...Buffer.from(token)],
    top_logprobs: [{ token, logprob: -0.1, bytes: [...Buffer.from(token)] }],
  };
}

describe("logprobs in a stream whose answers the policy rewrites", () => {
  it("are set to null in every OpenAI chunk, whether or not its own text had an entity", async () => {
    const chunks = TOKENS.map(
      (token) =>
        `data: ${JSON.stringify({
          id: "c",
          object: "chat.completion.chunk",
          model: "m",
          choices: [
            {
              index: 0,
              delta: { content: token },
              logprobs: { content: [logprob(token)], refusal: null },
              finish_reason: null,
            },
          ],
        })}\n\n`,
    );
    const chunk = (delta: unknown, finish: string | null) =>
      `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", model: "m", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    const role = chunk({ role: "assistant", content: "" }, null);
    const out = redactAtEveryCut(
      openAiChunkCodec,
      `${role}${chunks.join("")}${chunk({}, "stop")}data: [DONE]\n\n`,
    );
    assert.ok(!out.toString().includes("alice"), "no token of the address is sent");
    assert.ok(out.toString().startsWith(role), "a chunk whose logprobs are null already passes as it came");
    const { chunks: read } = await readAsOpenAiSdk(out);
    const choices = (read as { choices: { delta: { content?: string }; logprobs: unknown }[] }[]).map(
      (chunk) => chunk.choices[0],
    );
    assert.ok(choices.every((choice) => choice?.logprobs === null));
    assert.equal(choices.map((choice) => choice?.delta.content ?? "").join(""), "Write to <EMAIL~1>");
  });

  it("are set to null in legacy completions chunks too", () => {
    const legacy = (text: string, finish: string | null) =>
      `data: ${JSON.stringify({
        id: "cmpl",
        object: "text_completion",
        choices: [
          {
            index: 0,
            text,
            logprobs: {
              tokens: [text],
              token_logprobs: [-0.1],
              top_logprobs: [{ [text]: -0.1 }],
              text_offset: [0],
            },
            finish_reason: finish,
          },
        ],
      })}\n\n`;
    const out = redactAtEveryCut(
      openAiChunkCodec,
      `${legacy("ok alice.smith", null)}${legacy("@example.com", "stop")}`,
    );
    assert.ok(!out.toString().includes("alice"));
    assert.equal((out.toString().match(/"logprobs":null/g) ?? []).length, 2);
  });

  it("are dropped from every Gemini candidate (logprobsResult)", () => {
    const chunk = (text: string, finish?: string) =>
      `data: ${JSON.stringify({
        candidates: [
          {
            content: { role: "model", parts: [{ text }] },
            index: 0,
            avgLogprobs: -0.1,
            logprobsResult: { chosenCandidates: [{ token: text, logProbability: -0.1 }], topCandidates: [] },
            ...(finish ? { finishReason: finish } : {}),
          },
        ],
      })}\n\n`;
    const out = redactAtEveryCut(
      geminiChunkCodec,
      TOKENS.map((token, i) => chunk(token, i === 5 ? "STOP" : undefined)).join(""),
    );
    assert.ok(!out.toString().includes("alice"));
    assert.ok(!out.toString().includes("logprobsResult"));
  });
});
