import assert from "node:assert/strict";
import { test } from "node:test";
import { answer, startFailoverRig } from "./failover-rig.ts";
import { header, headerPairs, type ProcessorScript, routeTo } from "./test-doubles.ts";

const post = (url: string, body: string) =>
  fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });

test("the upstream filter gets its own stream with its initial metadata and the request as the router sends it", async () => {
  const rig = await startFailoverRig({ gateway: routeTo("single") });
  try {
    const res = await post(`${rig.harness.url}/v1/chat`, '{"model":"m"}');
    assert.equal(res.status, 200);
    await res.text();
    assert.equal(rig.processor.streams.length, 1);
    const [upstream] = rig.processor.upstreamStreams;
    assert.equal(upstream?.metadata["x-gateway-provider"], "a");
    assert.deepEqual(
      upstream?.received.map((m) => m.request),
      ["request_headers", "request_body", "response_headers", "response_body"],
    );
    const get = (name: string) => headerPairs(upstream?.received[0]).find(([n]) => n === name)?.[1];
    assert.equal(get("x-gateway-route"), undefined, "request_headers_to_remove ran before");
    assert.equal(get(":authority"), "api.a.example", "host_rewrite_literal ran before");
    assert.equal(get("x-envoy-expected-rq-timeout-ms"), "30000");
    assert.equal(get("x-envoy-attempt-count"), "1");
    assert.equal(upstream?.received[1]?.request_body?.body.toString(), '{"model":"m"}');
    const response = headerPairs(upstream?.received[2]);
    assert.equal(
      response.find(([n]) => n === "x-envoy-attempt-count"),
      undefined,
      "added by the router later",
    );
  } finally {
    await rig.close();
  }
});

/** A translate step: new path, a credential, a new body with its content-length. */
const translate: ProcessorScript = (m, call) => {
  if (m.request === "request_headers") {
    call.reply({
      request_headers: {
        response: {
          header_mutation: { set_headers: [header(":path", "/v1/messages"), header("x-api-key", "k")] },
        },
      },
    });
  } else if (m.request === "request_body") {
    const body = Buffer.from('{"translated":true}');
    call.reply({
      request_body: {
        response: {
          header_mutation: { set_headers: [header("content-length", String(body.length))] },
          body_mutation: { body },
        },
      },
    });
  } else if (m.request === "response_headers") {
    call.reply({
      response_headers: { response: { header_mutation: { set_headers: [header("x-translated", "yes")] } } },
    });
  } else if (m.request === "response_body") {
    const body = Buffer.from('{"back":"openai"}');
    call.reply({
      response_body: {
        response: {
          header_mutation: { set_headers: [header("content-length", String(body.length))] },
          body_mutation: { body },
        },
      },
    });
  }
};

test("the upstream filter's path, header and body rewrite is what reaches the upstream", async () => {
  const rig = await startFailoverRig({ gateway: routeTo("single"), upstreamScript: translate });
  try {
    const res = await post(`${rig.harness.url}/v1/chat/completions`, '{"model":"m"}');
    assert.equal(res.status, 200);
    await res.text();
    const seen = rig.a.requests[0];
    assert.equal(seen?.url, "/v1/messages");
    assert.equal(seen?.headers["x-api-key"], "k");
    assert.equal(seen?.headers.host, "api.a.example");
    assert.equal(seen?.body, '{"translated":true}');
  } finally {
    await rig.close();
  }
});

test("the upstream filter rewrites the response before the router-level filter sees it", async () => {
  const rig = await startFailoverRig({
    gateway: routeTo("single"),
    upstreamScript: translate,
    a: answer(200),
  });
  try {
    const res = await post(rig.harness.url, "{}");
    assert.equal(await res.text(), '{"back":"openai"}');
    assert.equal(res.headers.get("x-translated"), "yes");
    const gateway = rig.processor.streams[0] ?? [];
    const seenByGateway = headerPairs(gateway.find((m) => m.request === "response_headers"));
    assert.ok(seenByGateway.some(([n, v]) => n === "x-translated" && v === "yes"));
    assert.equal(
      gateway.find((m) => m.request === "response_body")?.response_body?.body.toString(),
      '{"back":"openai"}',
    );
    assert.deepEqual(rig.processor.arrivals, [
      "gateway:request_headers",
      "gateway:request_body",
      "upstream:request_headers",
      "upstream:request_body",
      "upstream:response_headers",
      "upstream:response_body",
      "gateway:response_headers",
      "gateway:response_body",
    ]);
  } finally {
    await rig.close();
  }
});

test("an immediate_response of the upstream filter goes to the client through the router-level filter, never retried", async () => {
  const deny: ProcessorScript = (m, call) => {
    if (m.request === "request_headers")
      call.reply({ immediate_response: { status: { code: 422 }, body: Buffer.from("cannot translate") } });
  };
  const rig = await startFailoverRig({ gateway: routeTo("smart"), upstreamScript: deny });
  try {
    const res = await post(rig.harness.url, "{}");
    assert.equal(res.status, 422);
    assert.equal(await res.text(), "cannot translate");
    assert.equal(res.headers.get("x-envoy-attempt-count"), null, "not a router reply");
    assert.equal(rig.processor.upstreamStreams.length, 1);
    assert.equal(rig.a.requests.length + rig.b.requests.length, 0);
    const gateway = rig.processor.streams[0] ?? [];
    assert.ok(
      gateway.some((m) => m.request === "response_headers"),
      "local replies pass the encoder filters",
    );
  } finally {
    await rig.close();
  }
});
