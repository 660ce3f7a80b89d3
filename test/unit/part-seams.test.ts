import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtinDetectors } from "../../extproc/src/pipeline/pii/detectors/index.ts";
import { scanRequestPii } from "../../extproc/src/pipeline/pii/request-pii.ts";
import type { ApiKind } from "../../extproc/src/pipeline/policy-input.ts";

const detectors = builtinDetectors();

function findings(api: ApiKind, body: unknown) {
  return scanRequestPii(api, JSON.stringify(body), body, detectors).summary.findings.map((f) => ({
    type: f.type,
    count: f.count,
    fields: f.locations.map((l) => `${l.message_index}/${l.field}`),
  }));
}

describe("an entity cut across adjacent text parts of one message", () => {
  it("is one finding, located where it starts, for Anthropic text blocks and Gemini parts alike", () => {
    const key = ["AKIAIOSFOD", "NN7EXAMPLE"];
    assert.deepEqual(
      findings("anthropic.messages", {
        model: "m",
        max_tokens: 1,
        messages: [{ role: "user", content: key.map((text) => ({ type: "text", text })) }],
      }),
      [{ type: "AWS_ACCESS_KEY", count: 1, fields: ["0/content[0].text"] }],
    );
    assert.deepEqual(
      findings("gemini.generate_content", {
        contents: [{ role: "user", parts: key.map((text) => ({ text })) }],
      }),
      [{ type: "AWS_ACCESS_KEY", count: 1, fields: ["0/parts[0].text"] }],
    );
  });

  it("is found across three parts or more, a short part in the middle, and redacted as one", async () => {
    const { applyRequestPii } = await import("../../extproc/src/pipeline/pii/request-pii-decision.ts");
    const body = {
      model: "m",
      messages: [
        {
          role: "user",
          content: ["card 41111111", "1111", "1111 ok"].map((text) => ({ type: "text", text })),
        },
      ],
    };
    assert.deepEqual(findings("openai.chat_completions", body), [
      { type: "CREDIT_CARD", count: 1, fields: ["0/content[0].text"] },
    ]);
    const text = JSON.stringify(body);
    const scan = scanRequestPii("openai.chat_completions", text, body, detectors);
    const applied = applyRequestPii(
      scan,
      { actions: {}, default_action: "redact", restore: false },
      undefined,
      "p",
    );
    assert.ok(applied.ok);
    assert.deepEqual(
      applied.value.edits.map((edit) => edit.replacement),
      ['"card [CREDIT_CARD_1]"', '""', '" ok"'],
    );
    const key = ["key AKIAQY", "LPMN5HFI", "QR7XYZ"];
    assert.deepEqual(
      findings("openai.chat_completions", {
        model: "m",
        messages: [{ role: "user", content: key.map((text) => ({ type: "text", text })) }],
      }).map((f) => f.type),
      ["AWS_ACCESS_KEY"],
    );
  });

  it("is not joined across messages, nor across parts that are not next to each other", () => {
    assert.deepEqual(
      findings("openai.chat_completions", {
        model: "m",
        messages: [
          { role: "user", content: "AKIAIOSFOD" },
          { role: "user", content: "NN7EXAMPLE" },
        ],
      }),
      [],
    );
    assert.deepEqual(
      findings("openai.chat_completions", {
        model: "m",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "AKIAIOSFOD" },
              { type: "image_url", image_url: { url: "https://example.com/a.png" } },
              { type: "text", text: "NN7EXAMPLE" },
            ],
          },
        ],
      }),
      [],
    );
  });

  it("leaves each part's own entities as they are, never joining one to the next part's first word", () => {
    assert.deepEqual(
      findings("openai.chat_completions", {
        model: "m",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "mail a@b.example" },
              { type: "text", text: "and c@d.example" },
            ],
          },
        ],
      }),
      [{ type: "EMAIL", count: 2, fields: ["0/content[0].text", "0/content[1].text"] }],
    );
  });
});

describe("redacting across a seam", () => {
  it("keeps the next part's text when the entity ended in the part before", async () => {
    const { applyRequestPii } = await import("../../extproc/src/pipeline/pii/request-pii-decision.ts");
    const body = {
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "mail a@b.example" },
            { type: "text", text: "and more" },
          ],
        },
      ],
    };
    const text = JSON.stringify(body);
    const scan = scanRequestPii("openai.chat_completions", text, body, detectors);
    const applied = applyRequestPii(
      scan,
      { actions: {}, default_action: "redact", restore: false },
      undefined,
      "p",
    );
    assert.ok(applied.ok);
    const edited = applied.value.edits.map((edit) => edit.replacement);
    assert.deepEqual(edited, ['"mail [EMAIL_1]"']);
  });
});
