import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { DEMO_KEYS, type GatewayUnderTest, startGatewayUnderTest } from "../support/gateway-under-test.ts";

/**
 * Bad input gets a clear answer in the shape OpenAI SDKs read (`{"error": {...}}`) and an audit
 * row; it never reaches the provider, never crashes the processor and never passes uninspected.
 */
let gw: GatewayUnderTest;
before(async () => {
  gw = await startGatewayUnderTest();
});
after(async () => {
  await gw.close();
});

interface Sent {
  status: number;
  error: { message: string; type: string; code: string } | undefined;
  requestId: string | null;
}

async function send(
  body: string | Buffer,
  headers: Record<string, string> = {},
  path = "/v1/chat/completions",
): Promise<Sent> {
  const response = await fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_KEYS.alice}`, ...headers },
    body,
  });
  const text = await response.text();
  let error: Sent["error"];
  try {
    error = (JSON.parse(text) as { error?: Sent["error"] }).error;
  } catch {
    error = undefined;
  }
  return { status: response.status, error, requestId: response.headers.get("x-request-id") };
}

/** A request whose headers may repeat a name on separate lines (fetch would join them into one). */
function sendLines(body: string, headers: Record<string, string | string[]>): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_KEYS.alice}`, ...headers },
    });
    request.on("response", (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0 }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

const chat = (model: unknown) => JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] });

describe("bad request bodies", () => {
  const cases: [string, string | Buffer, number, string][] = [
    ["invalid JSON", '{"model": "gpt-4o-mini", "messages": [', 400, "invalid_json"],
    ["a body that is an array", "[1,2,3]", 400, "body_not_object"],
    ["a body that is a string", '"hello"', 400, "body_not_object"],
    ["a missing model", JSON.stringify({ messages: [{ role: "user", content: "x" }] }), 400, "model_missing"],
    ["a model that is not a string", chat(42), 400, "model_invalid"],
    ["a model that is an object", chat({ name: "gpt-4o-mini" }), 400, "model_invalid"],
    [
      "duplicate model keys",
      '{"model":"o1-preview","model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}',
      400,
      "duplicate_json_key",
    ],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 400, "invalid_utf8"],
    ["an empty body", "", 400, "invalid_json"],
  ];
  for (const [what, body, status, code] of cases) {
    it(`answers ${what} with ${status} ${code} and never calls the provider`, async () => {
      const before = gw.upstream.requests.length;
      const sent = await send(body);
      assert.equal(sent.status, status);
      assert.equal(sent.error?.code, code);
      assert.equal(sent.error?.type, "invalid_request_error");
      assert.equal(gw.upstream.requests.length, before);
      const row = await gw.auditRow(sent.requestId ?? "");
      assert.deepEqual(row.reason_codes, [code]);
      assert.equal(row.status, status);
    });
  }
});

describe("text that is not Unicode", () => {
  // `\ud800` is valid JSON syntax, but a lone UTF-16 surrogate is not text: strict readers refuse
  // it, lenient ones keep or replace it, and neither the policy engine nor the audit store takes it.
  it("refuses a lone surrogate escape anywhere in the body with 400 invalid_json, audits it, and serves on", async () => {
    for (const body of [
      '{"model":"gpt-4o-mini\\ud800","messages":[{"role":"user","content":"hi"}]}',
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi \\udfff"}]}',
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi","x\\ud83d":1}]}',
    ]) {
      const before = gw.upstream.requests.length;
      const odd = await send(body);
      assert.equal(odd.status, 400, body);
      assert.equal(odd.error?.code, "invalid_json");
      assert.match(odd.error?.message ?? "", /lone UTF-16 surrogate/);
      assert.equal(gw.upstream.requests.length, before);
      assert.deepEqual((await gw.auditRow(odd.requestId ?? "")).reason_codes, ["invalid_json"]);
    }
    // A pair spelled as two escapes is one character (what Python's json.dumps sends for emoji).
    const emoji = await send(
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi \\ud83d\\ude00"}]}',
    );
    assert.equal(emoji.status, 200);
    assert.equal(gw.audit.stats().spooled, 0);
  });
});

describe("encodings and content types", () => {
  it("decodes a gzip body, applies the policy to it and forwards it decoded", async () => {
    const denied = await send(gzipSync(chat("o1-preview")), { "content-encoding": "gzip" });
    assert.equal(denied.status, 403);
    const before = gw.upstream.requests.length;
    const allowed = await send(gzipSync(chat("gpt-4o-mini")), { "content-encoding": "gzip" });
    assert.equal(allowed.status, 200);
    const received = gw.upstream.requests[before];
    assert.equal(received?.body.toString(), chat("gpt-4o-mini"));
    assert.equal(received?.headers["content-encoding"], undefined);
  });

  it("refuses an encoding it cannot read with 415", async () => {
    const sent = await send(Buffer.from("(zstd bytes)"), { "content-encoding": "zstd" });
    assert.equal(sent.status, 415);
    assert.equal(sent.error?.code, "unsupported_content_encoding");
  });

  it("reads a header sent on two lines as both lines, never as the first alone", async () => {
    const before = gw.upstream.requests.length;
    for (const [name, values] of [
      ["content-encoding", ["identity", "gzip"]],
      ["content-type", ["application/json", "text/plain"]],
    ] as const) {
      const answer = await sendLines(chat("gpt-4o-mini"), { [name]: [...values] });
      assert.equal(answer.status, 415, name);
    }
    assert.equal(gw.upstream.requests.length, before);
  });

  it("refuses a body that is not declared as JSON with 415", async () => {
    const sent = await send(chat("gpt-4o-mini"), { "content-type": "text/plain" });
    assert.equal(sent.status, 415);
    assert.equal(sent.error?.code, "unsupported_content_type");
  });

  it("serves and redacts a body of 6 MB, under the limit, whose rewrite travels back to Envoy", async () => {
    const content = `${"x".repeat(6_000_000)} jane.doe@example.com`;
    const before = gw.upstream.requests.length;
    const sent = await send(JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }));
    assert.equal(sent.status, 200);
    const received = gw.upstream.requests[before]?.body.toString() ?? "";
    assert.ok(received.length > 6_000_000);
    assert.ok(received.endsWith(' [EMAIL_1]"}]}'), received.slice(-40));
  });

  it("answers a body over Envoy's buffer limit with 413", async () => {
    const huge = JSON.stringify({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "x".repeat(9_000_000) }],
    });
    const sent = await send(huge);
    assert.equal(sent.status, 413);
  });
});

describe("paths and headers the policy does not know", () => {
  it("denies unknown paths and path variants with 404", async () => {
    for (const path of [
      "/v1/audio/speech",
      "/v1/chat/completions/",
      "/v1//chat/completions",
      "/V1/chat/completions",
    ]) {
      const sent = await send(chat("gpt-4o-mini"), {}, path);
      assert.equal(sent.status, 404, path);
      assert.equal(sent.error?.code, "unknown_api", path);
    }
  });

  it("ignores a routing or identity header sent by the app", async () => {
    const before = gw.upstream.requests.length;
    const spoofed = await send(chat("o1-preview"), {
      "x-gateway-route": "demo",
      "x-gateway-team": "platform",
    });
    assert.equal(spoofed.status, 403);
    assert.equal(gw.upstream.requests.length, before);
    const allowed = await send(chat("gpt-4o-mini"), {
      "x-gateway-route": "openai",
      "x-gateway-team": "platform",
    });
    assert.equal(allowed.status, 200);
    const received = gw.upstream.requests.at(-1);
    assert.equal(received?.headers["x-gateway-team"], undefined);
  });

  it("answers 401 with no key at all", async () => {
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chat("gpt-4o-mini"),
    });
    assert.equal(response.status, 401);
    const body = (await response.json()) as { error: { code: string } };
    assert.equal(body.error.code, "missing_api_key");
  });
});
