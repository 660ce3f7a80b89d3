import assert from "node:assert/strict";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import type { ProcessorScript } from "./test-doubles.ts";
import { header, routeToDemo, startRig } from "./test-doubles.ts";

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

test("header mutation: remove then set, append adds, host/x-envoy skipped, :path allowed", async () => {
  const script: ProcessorScript = (m, call) => {
    if (m.request === "request_headers") {
      call.reply({
        request_headers: {
          response: {
            clear_route_cache: true,
            header_mutation: {
              remove_headers: ["x-drop", "x-keep"],
              set_headers: [
                header("x-gateway-route", "demo"),
                header("x-keep", "set-after-remove"),
                { ...header("x-multi", "two"), append: { value: true } },
                header("Host", "evil.example"),
                header("x-envoy-foo", "nope"),
                header(":path", "/rewritten"),
              ],
            },
          },
        },
      });
    } else if (m.request) call.reply({ [m.request]: { response: {} } });
  };
  const rig = await startRig(script);
  try {
    const res = await fetch(`${rig.harness.url}/orig`, {
      headers: { "x-drop": "1", "x-keep": "0", "x-multi": "one" },
    });
    assert.equal(res.status, 200);
    await res.text();
    const seen = rig.upstream.requests[0];
    assert.equal(seen?.url, "/rewritten");
    assert.equal(seen?.headers["x-drop"], undefined);
    assert.equal(seen?.headers["x-keep"], "set-after-remove");
    assert.equal(seen?.headers["x-multi"], "one, two");
    assert.equal(seen?.headers.host, new URL(rig.harness.url).host);
    assert.equal(seen?.headers["x-envoy-foo"], undefined);
  } finally {
    await rig.close();
  }
});

test("a header with both value and raw_value fails the request with 500", async () => {
  const rig = await startRig((m, call) => {
    if (m.request === "request_headers") {
      call.reply({
        request_headers: {
          response: {
            header_mutation: {
              set_headers: [{ header: { key: "x-a", value: "v", raw_value: Buffer.from("r") } }],
            },
          },
        },
      });
    }
  });
  try {
    const res = await fetch(rig.harness.url);
    assert.equal(res.status, 500);
    assert.equal(rig.upstream.requests.length, 0);
  } finally {
    await rig.close();
  }
});

function bodyReplacer(contentLength: string | undefined): ProcessorScript {
  return (m, call) => {
    if (m.request === "request_body") {
      const setHeaders = contentLength === undefined ? [] : [header("content-length", contentLength)];
      call.reply({
        request_body: {
          response: {
            header_mutation: { set_headers: setHeaders },
            body_mutation: { body: Buffer.from("replaced!") },
          },
        },
      });
    } else routeToDemo(m, call);
  };
}

test("body replacement with a matching content-length reaches the upstream", async () => {
  const rig = await startRig(bodyReplacer("9"));
  try {
    const res = await post(rig.harness.url, '{"a":1}');
    assert.equal(res.status, 200);
    assert.equal(rig.upstream.requests[0]?.body, "replaced!");
    assert.equal(rig.upstream.requests[0]?.headers["content-length"], "9");
  } finally {
    await rig.close();
  }
});

test("body replacement whose length differs from content-length is a 500", async () => {
  const rig = await startRig(bodyReplacer(undefined));
  try {
    const res = await post(rig.harness.url, '{"a":1}');
    assert.equal(res.status, 500);
    assert.equal(rig.upstream.requests.length, 0);
  } finally {
    await rig.close();
  }
});

test("clear_route_cache re-routes; the same mutation without it stays on the catch-all", async () => {
  for (const clear of [true, false]) {
    const rig = await startRig((m, call) => {
      if (m.request === "request_headers") {
        call.reply({
          request_headers: {
            response: {
              header_mutation: { set_headers: [header("x-gateway-route", "demo")] },
              clear_route_cache: clear,
            },
          },
        });
      } else if (m.request) call.reply({ [m.request]: { response: {} } });
    });
    try {
      const res = await fetch(rig.harness.url);
      const text = await res.text();
      if (clear) {
        assert.equal(res.status, 200);
      } else {
        assert.equal(res.status, 403);
        assert.match(text, /route_missing/);
        assert.equal(rig.upstream.requests.length, 0);
      }
    } finally {
      await rig.close();
    }
  }
});

for (const phase of ["request_headers", "request_body", "response_headers"] as const) {
  test(`immediate_response at ${phase} answers the client`, async () => {
    const rig = await startRig((m, call) => {
      if (m.request === phase) {
        call.reply({
          immediate_response: {
            status: { code: 403 },
            headers: { set_headers: [header("content-type", "application/json")] },
            body: Buffer.from('{"error":"denied"}'),
          },
        });
      } else routeToDemo(m, call);
    });
    try {
      const res = await post(rig.harness.url, "{}");
      assert.equal(res.status, 403);
      assert.equal(res.headers.get("content-type"), "application/json");
      assert.equal(await res.text(), '{"error":"denied"}');
      assert.equal(rig.upstream.requests.length, phase === "response_headers" ? 1 : 0);
    } finally {
      await rig.close();
    }
  });
}

/** The upstream sends its second event only after the processor saw the first: no timing involved. */
function sseRig() {
  let sendRest: () => void = () => {};
  const upstream = (_req: unknown, res: import("node:http").ServerResponse) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("data: one\n\n");
    sendRest = () => {
      res.write("data: two\n\n");
      res.end();
    };
  };
  const processor: ProcessorScript = (m, call) => {
    if (m.request === "response_headers") {
      call.reply({
        response_headers: { response: {} },
        mode_override: { response_body_mode: "STREAMED", request_body_mode: "NONE" },
      });
      // In buffered mode no body chunk is seen before the end, so let the upstream finish now.
      setImmediate(() => sendRest());
    } else if (m.request === "response_body") {
      const body = m.response_body?.body.toString() ?? "";
      call.reply({
        response_body: { response: { body_mutation: { body: Buffer.from(body.toUpperCase()) } } },
      });
      sendRest();
    } else routeToDemo(m, call);
  };
  // The cluster's upstream filter buffers response bodies (envoy.yaml): like the real processor for
  // an event stream, it switches itself to STREAMED so events reach the router-level filter live.
  const upstreamScript: ProcessorScript = (m, call) => {
    if (m.request === "response_headers") {
      call.reply({
        response_headers: { response: {} },
        mode_override: { response_body_mode: "STREAMED", request_body_mode: "NONE" },
      });
    } else if (m.request !== undefined) call.reply({ [m.request]: { response: {} } });
  };
  return { upstream, processor, upstreamScript };
}

test("mode_override to STREAMED delivers SSE chunks in order with each reply's mutation", async () => {
  const sse = sseRig();
  const rig = await startRig(sse.processor, { upstream: sse.upstream, upstreamScript: sse.upstreamScript });
  try {
    const res = await fetch(rig.harness.url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "DATA: ONE\n\nDATA: TWO\n\n");
    const bodies = rig.processor.streams[0]?.filter((m) => m.request === "response_body") ?? [];
    assert.ok(bodies.length >= 2);
    assert.equal(bodies.at(-1)?.response_body?.end_of_stream, true);
    assert.ok(bodies.slice(0, -1).every((b) => b.response_body?.end_of_stream === false));
  } finally {
    await rig.close();
  }
});

test("mode_override is ignored when allow_mode_override is false", async () => {
  const sse = sseRig();
  const rig = await startRig(sse.processor, {
    upstream: sse.upstream,
    upstreamScript: sse.upstreamScript,
    overrides: { allowModeOverride: false },
  });
  try {
    const res = await fetch(rig.harness.url);
    assert.equal(await res.text(), "DATA: ONE\n\nDATA: TWO\n\n");
    const bodies = rig.processor.streams[0]?.filter((m) => m.request === "response_body") ?? [];
    assert.equal(bodies.length, 1, "buffered: one response_body");
  } finally {
    await rig.close();
  }
});

test("a processor that never answers gets a 504 after message_timeout", async () => {
  const rig = await startRig(() => {}, { overrides: { messageTimeoutMs: 100 } });
  try {
    const res = await fetch(rig.harness.url);
    assert.equal(res.status, 504);
  } finally {
    await rig.close();
  }
});

test("a processor gRPC error is a 500", async () => {
  const rig = await startRig((_m, call) => call.fail(grpc.status.INTERNAL, "boom"));
  try {
    const res = await fetch(rig.harness.url);
    assert.equal(res.status, 500);
  } finally {
    await rig.close();
  }
});

test("a spurious reply (wrong oneof) is a 500, and so is an empty reply", async () => {
  for (const reply of [{ response_body: { response: {} } }, {}]) {
    const rig = await startRig((_m, call) => call.reply(reply));
    try {
      const res = await fetch(rig.harness.url);
      assert.equal(res.status, 500);
    } finally {
      await rig.close();
    }
  }
});
