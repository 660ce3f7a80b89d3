import assert from "node:assert/strict";
import { test } from "node:test";
import { answer, hang, refusedUrl, startFailoverRig } from "./failover-rig.ts";
import { header, headerPairs, type ProcessorScript, routeTo, type UpstreamHandler } from "./test-doubles.ts";

const post = (url: string) =>
  fetch(url, { method: "POST", body: '{"model":"alias"}', headers: { "content-type": "application/json" } });

/** Stamps each attempt with the provider it was translated for, so the upstream proves the re-run. */
const stampProvider: ProcessorScript = (m, call) => {
  if (m.request === "request_headers") {
    const attempt = headerPairs(m).find(([n]) => n === "x-envoy-attempt-count")?.[1] ?? "?";
    call.reply({
      request_headers: {
        response: { header_mutation: { set_headers: [header("x-translated-for", attempt)] } },
      },
    });
  } else if (m.request !== undefined) call.reply({ [m.request]: { response: {} } });
};

const firstFails: Array<[string, { a?: UpstreamHandler; refused?: boolean }]> = [
  ["a 503", { a: answer(503) }],
  ["a 429 (retriable_status_codes)", { a: answer(429) }],
  ["a refused connection", { refused: true }],
  ["no response headers within per_try_timeout", { a: hang }],
];

for (const [name, failure] of firstFails) {
  test(`after ${name} from the first cluster, the retry goes to the next priority, translated anew`, async () => {
    const rig = await startFailoverRig({
      gateway: routeTo("smart"),
      upstreamScript: stampProvider,
      ...(failure.a ? { a: failure.a } : {}),
      ...(failure.refused ? { aUrl: await refusedUrl() } : {}),
      b: answer(200, '{"from":"b"}'),
    });
    try {
      const res = await post(rig.harness.url);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '{"from":"b"}');
      assert.equal(res.headers.get("x-envoy-attempt-count"), "2");
      assert.deepEqual(
        rig.processor.upstreamStreams.map((s) => s.metadata["x-gateway-provider"]),
        ["a", "b"],
      );
      assert.equal(rig.b.requests[0]?.headers["x-translated-for"], "2");
      assert.equal(rig.b.requests[0]?.body, '{"model":"alias"}', "the original body again");
      assert.equal(rig.processor.streams.length, 1, "the router-level filter runs once");
    } finally {
      await rig.close();
    }
  });
}

test("retries exhausted: previous_priorities cycles back to the first cluster and the last answer goes out", async () => {
  const rig = await startFailoverRig({
    gateway: routeTo("smart"),
    a: answer(503, "a down"),
    b: answer(503, "b down"),
  });
  try {
    const res = await post(rig.harness.url);
    assert.equal(res.status, 503);
    assert.equal(await res.text(), "a down");
    assert.equal(res.headers.get("x-envoy-attempt-count"), "3");
    assert.deepEqual(
      rig.processor.upstreamStreams.map((s) => s.metadata["x-gateway-provider"]),
      ["a", "b", "a"],
    );
  } finally {
    await rig.close();
  }
});

test("no attempt answering ends in the router's local reply for the last failure", async () => {
  // a refused, b past per_try_timeout, a refused again: the last failure is a connection failure.
  const rig = await startFailoverRig({ gateway: routeTo("smart"), aUrl: await refusedUrl(), b: hang });
  try {
    const res = await post(rig.harness.url);
    assert.equal(res.status, 503);
    assert.match(
      await res.text(),
      /^upstream connect error or disconnect\/reset before headers\. retried and the latest reset reason: remote connection failure/,
    );
    assert.equal(res.headers.get("x-envoy-attempt-count"), "3");
  } finally {
    await rig.close();
  }
});

test("a per-try timeout on the last attempt is a 504", async () => {
  const rig = await startFailoverRig({ gateway: routeTo("smart"), a: hang, b: hang });
  try {
    const res = await post(rig.harness.url);
    assert.equal(res.status, 504);
    assert.equal(await res.text(), "upstream request timeout");
  } finally {
    await rig.close();
  }
});

test("upstream filter header mutations persist into the next attempt (one shared header map, as in Envoy)", async () => {
  const rig = await startFailoverRig({
    gateway: routeTo("smart"),
    upstreamScript: stampProvider,
    a: answer(503),
  });
  try {
    await (await post(rig.harness.url)).text();
    const second = headerPairs(rig.processor.upstreamStreams[1]?.received[0]);
    assert.ok(second.some(([n, v]) => n === "x-translated-for" && v === "1"));
  } finally {
    await rig.close();
  }
});

test("no retry once the response headers reached the router: a reset mid-body resets the client", async () => {
  const streaming: ProcessorScript = (m, call) => {
    if (m.request === "response_headers")
      call.reply({ response_headers: { response: {} }, mode_override: { response_body_mode: "STREAMED" } });
    else if (m.request !== undefined) call.reply({ [m.request]: { response: {} } });
  };
  const breaksMidway: UpstreamHandler = (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("data: one\n\n");
    setTimeout(() => res.destroy(), 50);
  };
  const gateway: ProcessorScript = (m, call) => {
    if (m.request === "response_headers")
      call.reply({ response_headers: { response: {} }, mode_override: { response_body_mode: "STREAMED" } });
    else routeTo("smart")(m, call);
  };
  const rig = await startFailoverRig({ gateway, upstreamScript: streaming, a: breaksMidway });
  try {
    const res = await post(rig.harness.url);
    assert.equal(res.status, 200);
    await assert.rejects(res.text());
    assert.equal(rig.b.requests.length, 0);
    assert.equal(rig.processor.upstreamStreams.length, 1);
  } finally {
    await rig.close();
  }
});

test("a reset while the upstream filter buffers the body is retried: the router never saw headers", async () => {
  const breaksMidway: UpstreamHandler = (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"partial":');
    setTimeout(() => res.destroy(), 50);
  };
  const rig = await startFailoverRig({ gateway: routeTo("smart"), a: breaksMidway, b: answer(200, "ok") });
  try {
    const res = await post(rig.harness.url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "ok");
    assert.equal(res.headers.get("x-envoy-attempt-count"), "2");
  } finally {
    await rig.close();
  }
});

test("weighted_clusters: the random value modulo the total weight picks the aggregate; failover stays within the pick", async () => {
  const values = [0, 2, 3, 7, 4];
  const rig = await startFailoverRig({
    gateway: routeTo("balanced"),
    upstreamScript: stampProvider,
    a: answer(503, "a"),
    b: answer(200, "b"),
    harness: { randomValue: () => values.shift() ?? 0 },
  });
  try {
    const firstTried: string[] = [];
    for (let i = 0; i < 5; i++) {
      const before = rig.processor.upstreamStreams.length;
      const res = await post(rig.harness.url);
      assert.equal(await res.text(), "b", "a 503 from a fails over to b in either order");
      firstTried.push(String(rig.processor.upstreamStreams[before]?.metadata["x-gateway-provider"]));
    }
    // Weights 3 (alias_ab) and 1 (alias_ba): 0, 2 -> ab; 3 -> ba; 7 % 4 = 3 -> ba; 4 % 4 = 0 -> ab.
    assert.deepEqual(firstTried, ["a", "a", "b", "b", "a"]);
  } finally {
    await rig.close();
  }
});

test("the perTryTimeoutMs option replaces the file's per_try_timeout, leaving routes without one alone", async () => {
  const rig = await startFailoverRig({
    gateway: routeTo("smart"),
    a: hang,
    b: answer(200, "b"),
    harness: { perTryTimeoutMs: 50 },
  });
  try {
    const started = Date.now();
    const res = await post(rig.harness.url);
    assert.equal(await res.text(), "b");
    assert.ok(Date.now() - started < 450, "failed over well before the file's 0.5s");
    const single = rig.harness.config.routeConfig.virtualHosts[0]?.routes[0]?.action;
    assert.ok(single?.kind === "cluster" && single.retryPolicy === undefined);
  } finally {
    await rig.close();
  }
});
