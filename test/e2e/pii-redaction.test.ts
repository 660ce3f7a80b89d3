import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { DEMO_KEYS, type GatewayUnderTest, startGatewayUnderTest } from "../support/gateway-under-test.ts";
import { writeEditedBundle } from "../support/rebundle.ts";
import { openaiClient, readChatStream } from "../support/sdk-clients.ts";

/**
 * PII through the whole path with the shipped policy (the demo provider is external): the
 * provider receives placeholders, the caller receives its own values back, the model's own PII is
 * redacted, secrets are refused, and the audit row counts types without ever holding a value.
 */
let gw: GatewayUnderTest;
let alice: OpenAI;
before(async () => {
  gw = await startGatewayUnderTest();
  alice = openaiClient(gw);
});
after(async () => {
  await gw.close();
});

const EMAIL = "jane.doe@example.com";
const CARD = "4111 1111 1111 1111";
const SECOND_EMAIL = "john.smith@example.org";

function lastUpstreamBody(): string {
  return gw.upstream.requests.at(-1)?.body.toString("utf8") ?? "";
}

function rowText(row: object): string {
  return JSON.stringify(row);
}

describe("PII in requests", () => {
  it("sends placeholders to the provider and restores the values in the answer", async () => {
    const { data, response } = await alice.chat.completions
      .create({
        model: "gpt-4o-mini",
        messages: [
          { role: "user", content: `Mail ${EMAIL} about card ${CARD}, cc ${SECOND_EMAIL} and ${EMAIL}.` },
        ],
      })
      .withResponse();
    const sent = lastUpstreamBody();
    assert.ok(!sent.includes(EMAIL) && !sent.includes(CARD) && !sent.includes(SECOND_EMAIL), sent);
    assert.match(sent, /Mail \[EMAIL_1\] about card \[CREDIT_CARD_1\], cc \[EMAIL_2\] and \[EMAIL_1\]\./);
    assert.equal(
      data.choices[0]?.message.content,
      `Echo: Mail ${EMAIL} about card ${CARD}, cc ${SECOND_EMAIL} and ${EMAIL}.`,
    );

    const row = await gw.auditRow(response.headers.get("x-request-id") ?? "");
    assert.deepEqual(
      row.pii_types
        .map((type, i) => `${row.pii_directions[i]}:${type}:${row.pii_actions[i]}:${row.pii_counts[i]}`)
        .sort(),
      ["request:CREDIT_CARD:redact:1", "request:EMAIL:redact:3"],
    );
    assert.match(row.prompt, /\[EMAIL_1\]/, "the stored prompt is the redacted one");
    for (const value of [EMAIL, CARD, SECOND_EMAIL])
      assert.ok(!rowText(row).includes(value), "no raw value in the row");
  });

  it("restores values in a streamed answer even when placeholders are split across chunks", async () => {
    const stream = await alice.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: `Please write to ${EMAIL} today` }],
      stream: true,
    });
    const { text, chunks } = await readChatStream(stream);
    assert.ok(chunks > 3);
    assert.equal(text, `Echo: Please write to ${EMAIL} today`);
    assert.ok(lastUpstreamBody().includes("[EMAIL_1]"));
  });

  it("redacts PII the model writes on its own, streamed or not", async () => {
    const plain = await alice.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "What is the support contact?" }],
    });
    const content = plain.choices[0]?.message.content ?? "";
    assert.ok(!content.includes("help@provider.example"), content);
    assert.match(content, /\[EMAIL_1\]/);
    assert.match(content, /\[PHONE_1\]/);

    const stream = await alice.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "What is the support contact?" }],
      stream: true,
    });
    const { text } = await readChatStream(stream);
    assert.equal(text, content);
  });

  it("refuses a request carrying a secret, naming the type but never the value", async () => {
    const secret = "AKIAIOSFODNN7EXAMPLE";
    const before = gw.upstream.requests.length;
    const error = await alice.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `my key is ${secret}` }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.PermissionDeniedError, String(error));
    assert.equal(error.code, "pii_blocked");
    assert.match(error.message, /AWS_ACCESS_KEY/);
    assert.ok(!error.message.includes(secret));
    assert.equal(gw.upstream.requests.length, before);
    const row = await gw.auditRow(error.requestID ?? "");
    assert.deepEqual(row.reason_codes, ["pii_blocked"]);
    assert.deepEqual([row.pii_types, row.pii_actions], [["AWS_ACCESS_KEY"], ["block"]]);
    assert.ok(!rowText(row).includes(secret));
  });

  it("gives an employee id the same keyed pseudonym in every request", async () => {
    const pseudonyms: string[] = [];
    for (let i = 0; i < 2; i++) {
      await alice.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: `Who is EMP-123456?` }],
      });
      const match = /\[EMPLOYEE_ID#[0-9a-f]{12}\]/.exec(lastUpstreamBody());
      assert.ok(match, lastUpstreamBody());
      pseudonyms.push(match[0]);
    }
    assert.equal(pseudonyms[0], pseudonyms[1]);
  });

  it("redacts inside tool-call arguments and keeps them valid JSON", async () => {
    await alice.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        { role: "user", content: "look me up" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: {
                name: "lookup",
                arguments: JSON.stringify({ email: EMAIL, note: "Project Bluebird" }),
              },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: `found ${SECOND_EMAIL}` },
        { role: "user", content: "thanks" },
      ],
    });
    const sent = JSON.parse(lastUpstreamBody()) as {
      messages: { content: string | null; tool_calls?: { function: { arguments: string } }[] }[];
    };
    const args = JSON.parse(sent.messages[1]?.tool_calls?.[0]?.function.arguments ?? "{}") as Record<
      string,
      string
    >;
    assert.deepEqual(args, { email: "[EMAIL_1]", note: "[PROJECT_CODENAME_1]" });
    assert.equal(sent.messages[2]?.content, "found [EMAIL_2]");
  });

  it("redacts embeddings input and legacy completion prompts", async () => {
    await alice.embeddings.create({ model: "text-embedding-3-small", input: [`hi ${EMAIL}`, "plain"] });
    assert.deepEqual((JSON.parse(lastUpstreamBody()) as { input: string[] }).input, [
      "hi [EMAIL_1]",
      "plain",
    ]);
    await alice.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: `call ${EMAIL}` });
    assert.equal((JSON.parse(lastUpstreamBody()) as { prompt: string }).prompt, "call [EMAIL_1]");
  });

  it("scans what the model reads outside the messages: tool descriptions and schemas, stop, user, metadata", async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "notify",
          description: `Mail ${EMAIL} when done`,
          parameters: {
            type: "object",
            properties: { to: { type: "string", enum: [SECOND_EMAIL], description: "recipient" } },
            required: ["to"],
          },
        },
      },
    ];
    await alice.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      tools,
      user: EMAIL,
      metadata: { customer: SECOND_EMAIL },
    });
    const sent = JSON.parse(lastUpstreamBody()) as {
      tools: OpenAI.ChatCompletionTool[];
      user: string;
      metadata: Record<string, string>;
    };
    const tool = sent.tools[0];
    assert.ok(tool?.type === "function");
    assert.equal(tool.function.name, "notify");
    assert.equal(tool.function.description, "Mail [EMAIL_1] when done");
    assert.deepEqual(tool.function.parameters, {
      type: "object",
      properties: { to: { type: "string", enum: ["[EMAIL_2]"], description: "recipient" } },
      required: ["to"],
    });
    assert.equal(sent.user, "[EMAIL_1]");
    assert.deepEqual(sent.metadata, { customer: "[EMAIL_2]" });

    const secret = "AKIAIOSFODNN7EXAMPLE";
    const before = gw.upstream.requests.length;
    const error = await alice.chat.completions
      .create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "aws", description: `Use key ${secret}` } }],
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.PermissionDeniedError, String(error));
    assert.equal(error.code, "pii_blocked");
    assert.equal(gw.upstream.requests.length, before);
  });

  it("leaves a body without PII byte for byte as the caller sent it", async () => {
    const body =
      '{ "model":"gpt-4o-mini",  "messages":[{"role":"user","content":"caf\\u00e9 1.0"}], "temperature": 1.0 }';
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_KEYS.alice}` },
      body,
    });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    assert.equal(lastUpstreamBody(), body);
  });
});

describe("PII bad input", () => {
  it("finds an entity at the end of a single 1 MB message", async () => {
    const content = `${"lorem ipsum dolor sit amet ".repeat(40_000)}reach me at ${EMAIL}`;
    await alice.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });
    const sent = lastUpstreamBody();
    assert.ok(sent.length > 1_000_000);
    assert.ok(sent.endsWith('reach me at [EMAIL_1]"}]}'), sent.slice(-60));
  });

  it("passes adversarial near-misses through unchanged and answers", async () => {
    for (const content of [
      "a@".repeat(100_000),
      "1".repeat(200_000),
      "eyJ".repeat(50_000),
      "-----BEGIN PRIVATE KEY-----\n".repeat(2_000),
    ]) {
      const answer = await alice.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content }],
      });
      assert.ok(answer.choices[0]?.message.content?.startsWith("Echo: "));
      assert.equal(
        (JSON.parse(lastUpstreamBody()) as { messages: { content: string }[] }).messages[0]?.content,
        content,
      );
    }
  });

  it("scans deeply nested tool-call arguments and unknown content parts", async () => {
    let nested: unknown = { email: EMAIL };
    for (let i = 0; i < 100; i++) nested = { level: nested };
    const body = {
      model: "gpt-4o-mini",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: `hi ${EMAIL}` },
            { type: "future_part", future_part: { note: `call ${SECOND_EMAIL}` } },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "c", type: "function", function: { name: "f", arguments: JSON.stringify(nested) } },
          ],
        },
        { role: "tool", tool_call_id: "c", content: "ok" },
      ],
    };
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_KEYS.alice}` },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    const sent = lastUpstreamBody();
    assert.ok(
      !sent.includes(EMAIL) && !sent.includes(SECOND_EMAIL),
      "no value anywhere in the forwarded body",
    );
    assert.ok(sent.includes("data:image/png;base64,iVBORw0KGgo="), "binary parts pass untouched");
    const row = await gw.auditRow(response.headers.get("x-request-id") ?? "");
    assert.deepEqual([row.pii_types, row.pii_counts], [["EMAIL"], [3]]);
  });
});

describe("PII with a policy that does not restore", () => {
  let noRestore: GatewayUnderTest;
  before(async () => {
    const bundlePath = await writeEditedBundle("no-restore", (data) => {
      (data.gateway as { pii: { restore: boolean } }).pii.restore = false;
    });
    noRestore = await startGatewayUnderTest({ bundlePath });
  });
  after(async () => {
    await noRestore.close();
  });

  it("leaves the placeholders in the answer, streamed or not", async () => {
    const client = openaiClient(noRestore);
    const request = {
      model: "gpt-4o-mini",
      messages: [{ role: "user" as const, content: `write to ${EMAIL}` }],
    };
    const plain = await client.chat.completions.create(request);
    assert.equal(plain.choices[0]?.message.content, "Echo: write to [EMAIL_1]");
    const { text: streamed } = await readChatStream(
      await client.chat.completions.create({ ...request, stream: true }),
    );
    assert.equal(streamed, "Echo: write to [EMAIL_1]");
  });
});

describe("routing by data classification", () => {
  let rerouting: GatewayUnderTest;
  before(async () => {
    const bundlePath = await writeEditedBundle("pii-self-hosted", (data) => {
      (data.gateway as { routing?: unknown }).routing = {
        pii_self_hosted: { types: ["EMAIL", "PHONE"], provider: "local", model: "llama-3.3-70b-instruct" },
      };
    });
    rerouting = await startGatewayUnderTest({ bundlePath });
  });
  after(async () => {
    await rerouting.close();
  });

  it("sends a prompt with personal data to the self-hosted model, where the policy lets it through", async () => {
    const app = openaiClient(rerouting);
    const { response } = await app.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `mail ${EMAIL}` }] })
      .withResponse();
    const sent = JSON.parse(rerouting.upstream.requests.at(-1)?.body.toString() ?? "{}") as {
      model: string;
      messages: { content: string }[];
    };
    assert.equal(sent.model, "llama-3.3-70b-instruct");
    assert.equal(sent.messages[0]?.content, `mail ${EMAIL}`, "self-hosted: the email may stay");
    const row = await rerouting.auditRow(response.headers.get("x-request-id") ?? "");
    assert.deepEqual([row.provider, row.routed_model], ["local", "llama-3.3-70b-instruct"]);

    await app.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "no personal data" }],
    });
    assert.equal(
      (JSON.parse(rerouting.upstream.requests.at(-1)?.body.toString() ?? "{}") as { model: string }).model,
      "gpt-4o-mini",
    );
  });
});

describe("placeholders the caller typed", () => {
  it("numbers the request's own values past placeholders already in its text", async () => {
    const answer = await alice.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: `[EMAIL_1] is my colleague; I am ${EMAIL}` }],
    });
    assert.equal(
      (JSON.parse(lastUpstreamBody()) as { messages: { content: string }[] }).messages[0]?.content,
      "[EMAIL_1] is my colleague; I am [EMAIL_2]",
    );
    assert.equal(answer.choices[0]?.message.content, `Echo: [EMAIL_1] is my colleague; I am ${EMAIL}`);
  });
});

describe("an entity cut across content parts", () => {
  it("refuses a secret split over two text parts, which the model reads as one", async () => {
    const before = gw.upstream.requests.length;
    const error = await alice.chat.completions
      .create({
        model: "gpt-4o-mini",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "my key is AKIAIOSFOD" },
              { type: "text", text: "NN7EXAMPLE thanks" },
            ],
          },
        ],
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.PermissionDeniedError, String(error));
    assert.equal(error.code, "pii_blocked");
    assert.equal(gw.upstream.requests.length, before);
  });

  it("redacts a card split over two parts as one entity: its placeholder first, the rest erased", async () => {
    await alice.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "card 4111 1111" },
            { type: "text", text: " 1111 1111 please" },
          ],
        },
      ],
    });
    const sent = JSON.parse(lastUpstreamBody()) as { messages: { content: { text: string }[] }[] };
    assert.deepEqual(
      sent.messages[0]?.content.map((part) => part.text),
      ["card [CREDIT_CARD_1]", " please"],
    );
  });
});

describe("numbers that are personal data", () => {
  it("redacts a card a tool call carries as a JSON number, keeping the arguments valid JSON", async () => {
    await alice.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        { role: "user", content: "pay the invoice" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "pay", arguments: '{"card":4111111111111111,"amount":120}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "paid" },
      ],
    });
    const sent = JSON.parse(lastUpstreamBody()) as {
      messages: { tool_calls?: { function: { arguments: string } }[] }[];
    };
    const args = sent.messages[1]?.tool_calls?.[0]?.function.arguments ?? "";
    assert.deepEqual(JSON.parse(args), { card: "[CREDIT_CARD_1]", amount: 120 });
  });
});
