import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtinDetectors } from "../../extproc/src/pipeline/pii/detectors/index.ts";
import { redactAnswerBody } from "../../extproc/src/pipeline/pii/response-pii.ts";
import type { TextReplacer } from "../../extproc/src/pipeline/pii/stream/redact-restore-text.ts";

/** Where the native APIs' JSON answers carry model text: only there are values redacted or restored. */
const detectors = builtinDetectors();
const replacer: TextReplacer = {
  replacementFor: (match) => `[${match.type}]`,
  restore: new Map([["[EMAIL_1]", "jane.doe@example.com"]]),
};

describe("redacting a native JSON answer", () => {
  it("rewrites Anthropic's text blocks and tool_use input strings, not ids or signed thinking", () => {
    const answer = {
      id: "msg_1@example.com",
      type: "message",
      content: [
        { type: "thinking", thinking: "mail bob@mail.example.org", signature: "sig" },
        { type: "text", text: "Write to [EMAIL_1] or bob@mail.example.org" },
        {
          type: "tool_use",
          id: "toolu_1",
          name: "send",
          input: { to: "bob@mail.example.org", cc: ["[EMAIL_1]"] },
        },
      ],
      usage: { input_tokens: 1, output_tokens: 2 },
    };
    const result = redactAnswerBody("anthropic.messages", JSON.stringify(answer), detectors, replacer);
    const rewritten = JSON.parse(result.text ?? "{}") as typeof answer;
    assert.equal(rewritten.id, answer.id);
    assert.deepEqual(rewritten.content[0], answer.content[0]);
    assert.equal(rewritten.content[1]?.text, "Write to jane.doe@example.com or [EMAIL]");
    assert.deepEqual(rewritten.content[2]?.input, { to: "[EMAIL]", cc: ["jane.doe@example.com"] });
    assert.equal(result.matches.get("EMAIL"), 2);
  });

  it("rewrites Gemini's candidate part texts and functionCall args", () => {
    const answer = {
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "Write to [EMAIL_1], call +1 (415) 555-2671" },
              { functionCall: { name: "send", args: { to: "bob@mail.example.org" } } },
            ],
          },
          finishReason: "STOP",
        },
      ],
      modelVersion: "gemini-2.5-flash",
    };
    const result = redactAnswerBody("gemini.generate_content", JSON.stringify(answer), detectors, replacer);
    const rewritten = JSON.parse(result.text ?? "{}") as typeof answer;
    const parts = rewritten.candidates[0]?.content.parts;
    assert.equal(parts?.[0]?.text, "Write to jane.doe@example.com, call [PHONE]");
    assert.deepEqual(parts?.[1]?.functionCall, { name: "send", args: { to: "[EMAIL]" } });
  });
});

describe("redacting every text member of a native answer, known or not", () => {
  it("reads Anthropic tool_use input members named like structure as the tool's data, and text citations", () => {
    const answer = {
      content: [
        {
          type: "text",
          text: "see the note",
          citations: [{ type: "char_location", cited_text: "bob@mail.example.org", document_index: 0 }],
        },
        { type: "tool_use", id: "toolu_1", name: "send", input: { id: "bob@mail.example.org", name: "x" } },
      ],
    };
    const result = redactAnswerBody("anthropic.messages", JSON.stringify(answer), detectors, replacer);
    const rewritten = JSON.parse(result.text ?? "{}") as typeof answer;
    assert.equal(rewritten.content[0]?.citations?.[0]?.cited_text, "[EMAIL]");
    assert.deepEqual(rewritten.content[1]?.input, { id: "[EMAIL]", name: "x" });
  });

  it("reads Gemini's executable code and its result, never a thought signature or inline data", () => {
    const answer = {
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { executableCode: { language: "PYTHON", code: "send('bob@mail.example.org')" } },
              { codeExecutionResult: { outcome: "OUTCOME_OK", output: "sent to bob@mail.example.org" } },
              { text: "done", thoughtSignature: "bob@mail.example.org" },
              { inlineData: { mimeType: "text/plain", data: "Ym9iQG1haWwuZXhhbXBsZS5vcmc=" } },
            ],
          },
        },
      ],
    };
    const result = redactAnswerBody("gemini.generate_content", JSON.stringify(answer), detectors, replacer);
    const parts = (JSON.parse(result.text ?? "{}") as typeof answer).candidates[0]?.content.parts;
    assert.deepEqual(parts, [
      { executableCode: { language: "PYTHON", code: "send('[EMAIL]')" } },
      { codeExecutionResult: { outcome: "OUTCOME_OK", output: "sent to [EMAIL]" } },
      { text: "done", thoughtSignature: "bob@mail.example.org" },
      { inlineData: { mimeType: "text/plain", data: "Ym9iQG1haWwuZXhhbXBsZS5vcmc=" } },
    ]);
  });
});

describe("token-by-token echoes of a redacted Gemini answer", () => {
  it("nulls logprobsResult once the candidate's text had PII redacted", () => {
    const answer = {
      candidates: [
        {
          content: { role: "model", parts: [{ text: "mail bob@mail.example.org" }] },
          logprobsResult: { chosenCandidates: [{ token: "bob", logProbability: -0.1 }] },
        },
      ],
    };
    const result = redactAnswerBody("gemini.generate_content", JSON.stringify(answer), detectors, replacer);
    const candidate = (JSON.parse(result.text ?? "{}") as { candidates: Record<string, unknown>[] })
      .candidates[0];
    assert.equal(candidate?.logprobsResult, null, "no token of the redacted text is left");
    assert.deepEqual(candidate?.content, { role: "model", parts: [{ text: "mail [EMAIL]" }] });
  });
});

describe("thinking that no signature protects", () => {
  it("redacts an OpenAI-compatible server's thinking parts, while Anthropic's signed thinking passes as written", () => {
    const answer = {
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: [
              { type: "thinking", thinking: [{ type: "text", text: "bob@mail.example.org" }] },
              { type: "text", text: "done" },
            ],
          },
        },
      ],
    };
    const result = redactAnswerBody("openai.chat_completions", JSON.stringify(answer), detectors, replacer);
    assert.ok(result.text?.includes('"text":"[EMAIL]"'), result.text);
    assert.ok(!result.text?.includes("bob@mail.example.org"));
  });
});

describe("rewriting an answer keeps every other byte", () => {
  it("nulls logprobs by editing the text, so numbers keep their spelling and precision", () => {
    const body =
      '{"choices":[{"index":0,"message":{"role":"assistant","content":"bob@mail.example.org"},"logprobs":{"content":[{"token":"bob","logprob":-0.10,"bytes":[98,111,98]}]}}],"big":12345678901234567890,"f":1.50}';
    const result = redactAnswerBody("openai.chat_completions", body, detectors, replacer);
    assert.equal(
      result.text,
      '{"choices":[{"index":0,"message":{"role":"assistant","content":"[EMAIL]"},"logprobs":null}],"big":12345678901234567890,"f":1.50}',
    );
  });

  it("does not read an answer that nests deeper than any model answer, and says so", () => {
    const deep = `{"choices":[{"message":{"content":"x","extra":${"[".repeat(300)}"bob@mail.example.org"${"]".repeat(300)}}}]}`;
    const result = redactAnswerBody("openai.chat_completions", deep, detectors, replacer);
    assert.equal(result.tooDeep, true);
    assert.equal(result.text, undefined);
  });
});
