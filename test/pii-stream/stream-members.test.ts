import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtinDetectors } from "../../extproc/src/pipeline/pii/detectors/index.ts";
import { redactAnswerBody } from "../../extproc/src/pipeline/pii/response-pii.ts";
import { anthropicEventCodec } from "../../extproc/src/pipeline/pii/stream/anthropic-event-codec.ts";
import { geminiChunkCodec } from "../../extproc/src/pipeline/pii/stream/gemini-chunk-codec.ts";
import { openAiChunkCodec } from "../../extproc/src/pipeline/pii/stream/openai-chunk-codec.ts";
import { redactRestoreText } from "../../extproc/src/pipeline/pii/stream/redact-restore-text.ts";
import type { ApiKind } from "../../extproc/src/pipeline/policy-input.ts";
import { assertNoneLeaks, redactAtEveryCut, redactBytes, textsByMember } from "./redact-bytes.ts";
import { readAsAnthropicSdk, readAsGeminiSdk, readAsOpenAiSdk } from "./sdk-readers.ts";
import { NumberingReplacer } from "./stream-fixtures.ts";

/**
 * Every string the model writes in a streamed answer is scanned, by the rule of the JSON answer
 * (answer-text.ts): whatever member of a choice, content block or candidate part it sits in, but
 * structure, binary data, URLs and signed thinking. Each member that arrives in pieces keeps its
 * own redactor across events, so an entity cut between two events of the same member is caught
 * and two members never read as one. Streams are cut at every byte and read with the SDKs.
 */
const detectors = builtinDetectors();
const oneShot = (text: string) => redactRestoreText(text, detectors, new NumberingReplacer());
const EMAIL = "alice.smith@example.com";
const PHONE = "+1 (415) 555-2671";
const CARD = "4111 1111 1111 1111";

function sse(events: readonly unknown[]): string {
  return events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join("");
}
function openAiChunk(delta: Record<string, unknown>, finish: string | null = null): unknown {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    model: "m",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
}

/** The openai SDK's chunks, checked to hold no entity in any member joined across chunks. */
async function openAiMembers(stream: string): Promise<Map<string, string>> {
  const out = redactAtEveryCut(openAiChunkCodec, `${stream}data: [DONE]\n\n`);
  const { chunks, error } = await readAsOpenAiSdk(out);
  assert.equal(error, undefined);
  assertNoneLeaks(chunks, [EMAIL, PHONE, CARD], "openai");
  return textsByMember(chunks);
}

describe("OpenAI stream members", () => {
  it("legacy function_call arguments are JSON text, redacted across deltas", async () => {
    const stream = sse([
      openAiChunk({ role: "assistant", content: null, function_call: { name: "send", arguments: "" } }),
      openAiChunk({ function_call: { arguments: '{"to":"alice.smith@ex' } }),
      openAiChunk({ function_call: { arguments: 'ample.com","n":1}' } }),
      openAiChunk({}, "function_call"),
    ]);
    const members = await openAiMembers(stream);
    assert.equal(members.get("choices.0.delta.function_call.arguments"), '{"to":"<EMAIL~1>","n":1}');
    assert.equal(members.get("choices.0.delta.function_call.name"), "send");
  });

  it("reasoning_content, reasoning and the audio transcript are texts of their own, each redacted across deltas", async () => {
    const stream = sse([
      openAiChunk({
        role: "assistant",
        reasoning_content: "user is alice.smith@exa",
        reasoning: "call +1 (415) ",
      }),
      openAiChunk({ reasoning_content: "mple.com", reasoning: "555-2671 now", content: "Hi" }),
      openAiChunk({
        audio: { id: "audio_1", data: "NDExMTExMTExMTExMTExMQ==", transcript: "card 4111 1111 " },
      }),
      openAiChunk({ audio: { transcript: "1111 1111 ok" } }, "stop"),
    ]);
    const members = await openAiMembers(stream);
    assert.equal(members.get("choices.0.delta.reasoning_content"), oneShot(`user is ${EMAIL}`));
    assert.equal(members.get("choices.0.delta.reasoning"), oneShot(`call ${PHONE} now`));
    assert.equal(members.get("choices.0.delta.audio.transcript"), oneShot(`card ${CARD} ok`));
    assert.equal(members.get("choices.0.delta.content"), "Hi");
    assert.equal(members.get("choices.0.delta.audio.data"), "NDExMTExMTExMTExMTExMQ==", "binary data passes");
    assert.equal(members.get("choices.0.delta.audio.id"), "audio_1");
  });

  it("content given as text parts is one text across chunks, parts keeping their type", async () => {
    const stream = sse([
      openAiChunk({ role: "assistant", content: [{ type: "text", text: "mail alice.smith@exa" }] }),
      openAiChunk({ content: [{ type: "text", text: "mple.com ok" }] }),
      openAiChunk({}, "stop"),
    ]);
    const members = await openAiMembers(stream);
    assert.equal(members.get("choices.0.delta.content.0.text"), "mail <EMAIL~1> ok");
  });

  it("choices sent as an object keyed by index are read as the SDK indexes them", async () => {
    const chunk = (content: string, finish: string | null = null) => ({
      id: "x",
      object: "chat.completion.chunk",
      choices: { 0: { index: 0, delta: { content }, finish_reason: finish } },
    });
    const members = await openAiMembers(sse([chunk("mail alice.smith@exa"), chunk("mple.com ok", "stop")]));
    assert.equal(members.get("choices.0.delta.content"), "mail <EMAIL~1> ok");
  });

  it("text held at the end of the stream goes to its own member, wherever that sits", async () => {
    const stream = sse([
      openAiChunk({ role: "assistant", reasoning_content: "ask alice.smith@ex" }),
      openAiChunk({
        tool_calls: [
          { index: 2, id: "c", type: "function", function: { name: "f", arguments: '{"a":"+1 (415) ' } },
        ],
      }),
      openAiChunk({ tool_calls: [{ index: 2, function: { arguments: "555-2671" } }] }),
      openAiChunk({ content: [{ type: "text", text: "see alice.smith@example.com" }] }),
    ]);
    const members = await openAiMembers(stream);
    assert.equal(members.get("choices.0.delta.reasoning_content"), "ask alice.smith@ex");
    assert.equal(members.get("choices.0.delta.tool_calls.0.function.arguments"), '{"a":"<PHONE~1>');
    assert.equal(members.get("choices.0.delta.content.0.text"), "see <EMAIL~1>");
  });

  it("annotations arrive whole: their titles are redacted on the spot, URLs left as written", async () => {
    const annotation = {
      type: "url_citation",
      url_citation: { url: `mailto:${EMAIL}`, title: `by ${EMAIL}` },
    };
    const out = redactAtEveryCut(
      openAiChunkCodec,
      sse([openAiChunk({ content: "ok", annotations: [annotation] })]),
    );
    const [event] = out.toString().split("\n\n");
    const read = JSON.parse((event ?? "").slice(6)) as {
      choices: { delta: { annotations: (typeof annotation)[] } }[];
    };
    assert.deepEqual(read.choices[0]?.delta.annotations, [
      { type: "url_citation", url_citation: { url: `mailto:${EMAIL}`, title: "by <EMAIL~1>" } },
    ]);
  });
});

function anthropicEvents(events: readonly Record<string, unknown>[]): string {
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join("");
}
const MESSAGE = { id: "m", type: "message", role: "assistant", model: "x", content: [], usage: {} };
const END = [
  { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 1 } },
  { type: "message_stop" },
];

async function anthropicMessage(stream: string): Promise<{ content: Record<string, unknown>[] }> {
  const out = redactAtEveryCut(anthropicEventCodec, stream);
  const { events, message, error } = await readAsAnthropicSdk(out);
  assert.equal(error, undefined);
  assertNoneLeaks([...events, message], [EMAIL, PHONE, CARD], "anthropic");
  return message as { content: Record<string, unknown>[] };
}

describe("Anthropic stream members", () => {
  it("a tool_use input given whole in its block start is redacted there", async () => {
    const message = await anthropicMessage(
      anthropicEvents([
        { type: "message_start", message: MESSAGE },
        {
          type: "content_block_start",
          index: 0,
          content_block: {
            type: "tool_use",
            id: "toolu_1",
            name: "send",
            input: { to: EMAIL, cc: [PHONE], n: 2 },
          },
        },
        { type: "content_block_stop", index: 0 },
        ...END,
      ]),
    );
    assert.deepEqual(message.content[0], {
      type: "tool_use",
      id: "toolu_1",
      name: "send",
      input: { to: "<EMAIL~1>", cc: ["<PHONE~1>"], n: 2 },
    });
  });

  it("text begun in message_start or a block start goes on in its deltas as one text", async () => {
    const message = await anthropicMessage(
      anthropicEvents([
        {
          type: "message_start",
          message: { ...MESSAGE, content: [{ type: "text", text: "mail alice.smi" }] },
        },
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "th@example.com ok" } },
        { type: "content_block_stop", index: 0 },
        { type: "content_block_start", index: 1, content_block: { type: "text", text: "call +1 (415) " } },
        { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "555-2671" } },
        { type: "content_block_stop", index: 1 },
        ...END,
      ]),
    );
    assert.deepEqual(
      message.content.map((block) => block.text),
      ["mail <EMAIL~1> ok", "call <PHONE~1>"],
    );
  });

  it("citations are redacted whole; thinking and its signature pass as written", async () => {
    const thinking = [
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "thinking", thinking: "", signature: "" },
      },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: `user ${EMAIL}` } },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "c2ln" } },
      { type: "content_block_stop", index: 0 },
    ];
    const citation = {
      type: "char_location",
      cited_text: `write to ${EMAIL}`,
      document_index: 0,
      document_title: `notes of ${PHONE}`,
      start_char_index: 0,
      end_char_index: 10,
    };
    const stream = anthropicEvents([
      { type: "message_start", message: MESSAGE },
      ...thinking,
      { type: "content_block_start", index: 1, content_block: { type: "text", text: "", citations: [] } },
      { type: "content_block_delta", index: 1, delta: { type: "citations_delta", citation } },
      { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "see notes" } },
      { type: "content_block_stop", index: 1 },
      ...END,
    ]);
    const out = redactAtEveryCut(anthropicEventCodec, stream).toString();
    for (const event of anthropicEvents(thinking).split("\n\n")) assert.ok(out.includes(event), event);
    const { message } = await readAsAnthropicSdk(Buffer.from(out));
    const blocks = (message as { content: Record<string, unknown>[] }).content;
    assert.equal(blocks[0]?.thinking, `user ${EMAIL}`, "signed thinking is not rewritten");
    assert.deepEqual(blocks[1]?.citations, [
      { ...citation, cited_text: "write to <EMAIL~1>", document_title: "notes of <PHONE~1>" },
    ]);
  });
});

function geminiChunk(parts: readonly unknown[], finish?: string): unknown {
  return {
    candidates: [
      { content: { role: "model", parts }, index: 0, ...(finish ? { finishReason: finish } : {}) },
    ],
    modelVersion: "gemini-2.5-flash",
  };
}

describe("Gemini stream members", () => {
  it("code, its output and function call args are redacted whole; names, data and URIs left alone", async () => {
    const stream = sse([
      geminiChunk([
        { executableCode: { language: "PYTHON", code: `send("${EMAIL}")` } },
        { codeExecutionResult: { outcome: "OUTCOME_OK", output: `sent to ${PHONE}\n` } },
        { functionCall: { name: "alice.smith@example.com", args: { to: EMAIL, id: CARD } } },
        { inlineData: { mimeType: "image/png", data: "NDExMTExMTExMTExMTExMQ==" } },
        { fileData: { mimeType: "text/plain", fileUri: `https://files.example/${EMAIL}` } },
      ]),
      geminiChunk([{ text: "done" }], "STOP"),
    ]);
    const out = redactAtEveryCut(geminiChunkCodec, stream);
    const { chunks, error } = await readAsGeminiSdk(out);
    assert.equal(error, undefined);
    const parts = (
      chunks[0] as { candidates: { content: { parts: Record<string, Record<string, unknown>>[] } }[] }
    ).candidates[0]?.content.parts;
    assert.deepEqual(parts?.[0]?.executableCode, { language: "PYTHON", code: 'send("<EMAIL~1>")' });
    assert.deepEqual(parts?.[1]?.codeExecutionResult, {
      outcome: "OUTCOME_OK",
      output: "sent to <PHONE~1>\n",
    });
    assert.deepEqual(parts?.[2]?.functionCall, {
      name: "alice.smith@example.com",
      args: { to: "<EMAIL~1>", id: "<CREDIT_CARD~1>" },
    });
    assert.equal(parts?.[3]?.inlineData?.data, "NDExMTExMTExMTExMTExMQ==");
    assert.equal(parts?.[4]?.fileData?.fileUri, `https://files.example/${EMAIL}`);
  });

  it("thought summaries are a text of their own, redacted across chunks like the answer", async () => {
    const stream = sse([
      geminiChunk([{ text: "the user is alice.smith@exa", thought: true }, { text: "Call +1 (415) " }]),
      geminiChunk([{ text: "mple.com", thought: true }]),
      geminiChunk([{ text: "555-2671." }], "STOP"),
    ]);
    const out = redactAtEveryCut(geminiChunkCodec, stream);
    const { chunks, error } = await readAsGeminiSdk(out);
    assert.equal(error, undefined);
    let thoughts = "";
    let answer = "";
    type Chunk = { candidates: { content: { parts: { text?: string; thought?: boolean }[] } }[] };
    for (const chunk of chunks as Chunk[]) {
      for (const part of chunk.candidates[0]?.content.parts ?? []) {
        if (part.thought) thoughts += part.text ?? "";
        else answer += part.text ?? "";
      }
    }
    assert.equal(thoughts, "the user is <EMAIL~1>");
    assert.equal(answer, "Call <PHONE~1>.");
  });
});

/**
 * The JSON answer and the stream follow one rule (answer-text.ts). An answer written as one
 * streamed event that also ends every text must come out of the stream codec exactly as the same
 * object comes out of the JSON path: the same members rewritten, the rest untouched.
 */
describe("one rule for JSON and streamed answers", () => {
  const detectorsReplacer = () => new NumberingReplacer(new Map());
  const jsonPath = (api: ApiKind, answer: unknown) => {
    const result = redactAnswerBody(api, JSON.stringify(answer), detectors, detectorsReplacer());
    return JSON.parse(result.text ?? JSON.stringify(answer)) as unknown;
  };
  const E = EMAIL;

  it("OpenAI: a chunk redacts as the same object does in a JSON answer", () => {
    const choice = {
      index: 0,
      delta: {
        role: "assistant",
        content: `c ${E}`,
        refusal: `r ${E}`,
        reasoning_content: `rc ${E}`,
        audio: { id: E, data: E, transcript: `t ${E}` },
        tool_calls: [
          { index: 0, id: E, type: "function", function: { name: E, arguments: `{"to":"${E}"}` } },
        ],
        function_call: { name: E, arguments: `{"to":"${E}"}` },
        annotations: [{ type: "url_citation", url_citation: { url: E, title: `a ${E}` } }],
        something_new: { deep: [`n ${E}`] },
      },
      text: `x ${E}`,
      logprobs: { content: [{ token: E, bytes: [1], top_logprobs: [] }] },
      finish_reason: "stop",
    };
    const chunk = { id: E, object: "chat.completion.chunk", model: E, choices: [choice] };
    const streamed = JSON.parse(
      redactAtEveryCut(openAiChunkCodec, sse([chunk]))
        .toString()
        .slice(6),
    ) as unknown;
    assert.deepEqual(streamed, jsonPath("openai.chat_completions", chunk));
    assert.notDeepEqual(streamed, chunk);
  });

  it("Gemini: a chunk redacts as the same object does in a JSON answer", () => {
    const parts = [
      { text: `t ${E}` },
      { text: `th ${E}`, thought: true, thoughtSignature: E },
      { executableCode: { language: "PYTHON", code: E } },
      { codeExecutionResult: { outcome: "OUTCOME_OK", output: E } },
      { functionCall: { id: E, name: E, args: { name: E, url: E, nested: [{ id: E }] } } },
      { inlineData: { mimeType: "text/plain", data: E } },
      { fileData: { mimeType: "text/plain", fileUri: E } },
      { somethingNew: { value: E } },
    ];
    const chunk = geminiChunk(parts, "STOP");
    const streamed = JSON.parse(
      redactAtEveryCut(geminiChunkCodec, sse([chunk]))
        .toString()
        .slice(6),
    ) as unknown;
    assert.deepEqual(streamed, jsonPath("gemini.stream_generate_content", chunk));
    assert.notDeepEqual(streamed, chunk);
  });

  it("Anthropic: blocks streamed whole in their starts accumulate as the JSON answer redacts them", async () => {
    const blocks = [
      {
        type: "text",
        text: `t ${E}`,
        citations: [{ type: "web_search_result_location", url: E, title: E, cited_text: E }],
      },
      { type: "thinking", thinking: E, signature: E },
      { type: "redacted_thinking", data: E },
      { type: "tool_use", id: E, name: E, input: { name: E, id: E, url: E } },
      { type: "server_tool_use", id: E, name: "web_search", input: { query: E } },
      {
        type: "web_search_tool_result",
        tool_use_id: E,
        content: [{ type: "web_search_result", url: E, title: E }],
      },
    ];
    const stream = anthropicEvents([
      { type: "message_start", message: MESSAGE },
      ...blocks.flatMap((block, index) => [
        { type: "content_block_start", index, content_block: block },
        { type: "content_block_stop", index },
      ]),
      ...END,
    ]);
    const { message, error } = await readAsAnthropicSdk(redactAtEveryCut(anthropicEventCodec, stream));
    assert.equal(error, undefined);
    const answer = { ...MESSAGE, content: blocks };
    const expected = jsonPath("anthropic.messages", answer) as { content: unknown[] };
    assert.deepEqual((message as { content: unknown[] }).content, expected.content);
  });
});

describe("a provider that invents members without end", () => {
  it("fails the stream closed once more texts are open at once than any answer has", () => {
    const events = Array.from(
      { length: 1100 },
      (_, i) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { [`k${i}`]: "x" } }] })}\n\n`,
    ).join("");
    assert.throws(() => redactBytes(openAiChunkCodec, Buffer.from(events)), /more than 1024 texts/);
  });
});
