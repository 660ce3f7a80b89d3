import assert from "node:assert/strict";
import { test } from "node:test";
import { headerPairs, routeToDemo, startRig } from "./test-doubles.ts";

test("POST with a body sends request_headers (eos=false) then one buffered request_body (eos=true)", async () => {
  const rig = await startRig(routeToDemo);
  try {
    const res = await fetch(`${rig.harness.url}/v1/chat/completions?x=1`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "client-chosen" },
      body: '{"model":"m"}',
    });
    assert.equal(res.status, 200);
    await res.text();
    const [stream] = rig.processor.streams;
    assert.ok(stream);
    assert.deepEqual(
      stream.map((m) => m.request),
      ["request_headers", "request_body", "response_headers", "response_body"],
    );
    const first = stream[0];
    assert.equal(first?.request_headers?.end_of_stream, false);
    const pairs = headerPairs(first);
    const get = (name: string) => pairs.find(([n]) => n === name)?.[1];
    assert.deepEqual(
      pairs.slice(0, 4).map(([n]) => n),
      [":authority", ":path", ":method", ":scheme"],
    );
    assert.equal(get(":path"), "/v1/chat/completions?x=1");
    assert.equal(get(":method"), "POST");
    assert.equal(get(":scheme"), "http");
    assert.equal(get("x-forwarded-proto"), "http");
    assert.match(
      get("x-request-id") ?? "",
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.ok(pairs.every(([n]) => n === n.toLowerCase()));
    for (const h of first?.request_headers?.headers?.headers ?? []) {
      assert.equal(h.value, "", "values travel in raw_value only");
    }
    assert.deepEqual(first?.attributes, {});
    assert.deepEqual(first?.request_headers?.attributes, {});
    assert.equal(stream[1]?.request_body?.body.toString(), '{"model":"m"}');
    assert.equal(stream[1]?.request_body?.end_of_stream, true);
    assert.equal(stream[3]?.response_body?.end_of_stream, true);
    assert.equal(rig.upstream.requests[0]?.headers["x-request-id"], get("x-request-id"));
  } finally {
    await rig.close();
  }
});

test("GET sends request_headers with eos=true and no request_body", async () => {
  const rig = await startRig(routeToDemo);
  try {
    const res = await fetch(`${rig.harness.url}/v1/models`);
    assert.equal(res.status, 200);
    await res.text();
    const [stream] = rig.processor.streams;
    assert.deepEqual(
      stream?.map((m) => m.request),
      ["request_headers", "response_headers", "response_body"],
    );
    assert.equal(stream?.[0]?.request_headers?.end_of_stream, true);
    const status = headerPairs(stream?.[1]).find(([n]) => n === ":status");
    assert.deepEqual(status, [":status", "200"]);
  } finally {
    await rig.close();
  }
});

test("request_headers_to_remove keeps the routing header from the upstream", async () => {
  const rig = await startRig(routeToDemo);
  try {
    const res = await fetch(`${rig.harness.url}/x`);
    await res.text();
    const seen = rig.upstream.requests[0]?.headers;
    assert.equal(seen?.["x-gateway-route"], undefined);
    assert.equal(seen?.["x-forwarded-proto"], "http");
  } finally {
    await rig.close();
  }
});

test("a body over per_connection_buffer_limit_bytes is a 413 from Envoy", async () => {
  const rig = await startRig(routeToDemo);
  try {
    const big = Buffer.alloc(rig.harness.config.bufferLimitBytes + 1, 97);
    const res = await fetch(`${rig.harness.url}/v1/chat/completions`, { method: "POST", body: big });
    assert.equal(res.status, 413);
    await res.text();
    assert.equal(rig.upstream.requests.length, 0);
  } finally {
    await rig.close();
  }
});
