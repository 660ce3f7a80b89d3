import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { answer, startFailoverRig } from "./failover-rig.ts";
import type { OutlierDetectionSettings } from "./harness-config.ts";
import { OutlierDetectors, type OutlierResult } from "./outlier-detection.ts";
import { headerPairs, type ProcessorScript, routeTo, type UpstreamHandler } from "./test-doubles.ts";

const SETTINGS: OutlierDetectionSettings = {
  consecutive5xx: 3,
  consecutiveGatewayFailure: 2,
  enforcingConsecutive5xx: 100,
  enforcingConsecutiveGatewayFailure: 100,
  intervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionTimeMs: 300_000,
  maxEjectionPercent: 100,
};

function detectorAt(settings: Partial<OutlierDetectionSettings> = {}) {
  const clock = { ms: 0 };
  const detectors = new OutlierDetectors(
    { p: { url: "http://p", outlierDetection: { ...SETTINGS, ...settings } } },
    () => clock.ms,
  );
  const report = (...results: OutlierResult[]) => {
    for (const result of results) detectors.report("p", result);
  };
  return { clock, detectors, report };
}
const status = (code: number): OutlierResult => ({ kind: "status", status: code });

describe("outlier detection (DetectorImpl, consecutive errors)", () => {
  test("consecutive_5xx 5xx answers in a row eject the host at once", () => {
    const { detectors, report } = detectorAt({ consecutiveGatewayFailure: 99 });
    report(status(529), status(500));
    assert.equal(detectors.isEjected("p"), false);
    report(status(529));
    assert.equal(detectors.isEjected("p"), true);
  });

  test("any answer below 500 (a 429 too) starts the count again", () => {
    const { detectors, report } = detectorAt({ consecutiveGatewayFailure: 99 });
    report(status(500), status(500), status(429), status(500), status(500));
    assert.equal(detectors.isEjected("p"), false);
  });

  test("resets and timeouts count as 503 and 504: gateway failures, ejecting when enforced", () => {
    const enforced = detectorAt();
    enforced.report({ kind: "reset" }, { kind: "timeout" });
    assert.equal(enforced.detectors.isEjected("p"), true);
    const counted = detectorAt({ enforcingConsecutiveGatewayFailure: 0 });
    counted.report({ kind: "reset" }, { kind: "timeout" });
    assert.equal(counted.detectors.isEjected("p"), false, "Envoy's default: counted, never enforced");
    counted.report(status(502));
    assert.equal(counted.detectors.isEjected("p"), true, "still three 5xx in a row");
  });

  test("a 5xx that is not a gateway error breaks the gateway-failure run", () => {
    const { detectors, report } = detectorAt({ consecutive5xx: 99 });
    report(status(503), status(500), status(503));
    assert.equal(detectors.isEjected("p"), false);
  });

  test("an ejection ends at the first interval sweep after base_ejection_time", () => {
    const { clock, detectors, report } = detectorAt();
    clock.ms = 5_000;
    report(status(503), status(503));
    clock.ms = 39_999;
    assert.equal(detectors.isEjected("p"), true, "the sweep at 30s comes before 30s of ejection");
    clock.ms = 40_000;
    assert.equal(detectors.isEjected("p"), false, "the sweep at 40s ends it");
  });

  test("a host ejected again soon stays out longer (backoff), up to max_ejection_time", () => {
    const { clock, detectors, report } = detectorAt({ maxEjectionTimeMs: 50_000 });
    report(status(503), status(503));
    clock.ms = 30_000;
    assert.equal(detectors.isEjected("p"), false);
    report(status(503), status(503));
    clock.ms = 79_999;
    assert.equal(detectors.isEjected("p"), true, "2 × 30s capped at 50s: out until the sweep at 80s");
    clock.ms = 80_000;
    assert.equal(detectors.isEjected("p"), false);
  });

  test("max_ejection_percent below 100 never ejects a cluster's only host", () => {
    const { detectors, report } = detectorAt({ maxEjectionPercent: 10 });
    report(status(503), status(503), status(503));
    assert.equal(detectors.isEjected("p"), false);
  });
});

const post = (url: string, route = "smart") =>
  fetch(url, {
    method: "POST",
    body: "{}",
    headers: { "content-type": "application/json", "x-test-route": route },
  });

/** Routes each request where its x-test-route header says. */
const routeFromTestHeader: ProcessorScript = (message, call) => {
  const route = headerPairs(message).find(([name]) => name === "x-test-route")?.[1] ?? "";
  routeTo(route)(message, call);
};

describe("an ejected provider in the harness's aggregate clusters", () => {
  test("after enough failures the failing provider is skipped until its ejection ends", async () => {
    const clock = { ms: 0 };
    let aAnswers = 503;
    const a: UpstreamHandler = (req, res) => answer(aAnswers)(req, res);
    const rig = await startFailoverRig({
      gateway: routeTo("smart"),
      a,
      b: answer(200, "b"),
      harness: { now: () => clock.ms },
    });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await post(rig.harness.url);
        assert.equal(await res.text(), "b");
        assert.equal(res.headers.get("x-envoy-attempt-count"), "2", `request ${i + 1}: a, then b`);
      }
      assert.equal(rig.a.requests.length, 3);
      const res = await post(rig.harness.url);
      assert.equal(await res.text(), "b");
      assert.equal(res.headers.get("x-envoy-attempt-count"), "1", "a is ejected: straight to b");
      assert.equal(rig.a.requests.length, 3, "a was not tried");
      aAnswers = 200;
      clock.ms = 40_000;
      const back = await post(rig.harness.url);
      assert.equal(await back.text(), '{"status":200}', "a takes traffic again after the sweep");
      assert.equal(rig.a.requests.length, 4);
    } finally {
      await rig.close();
    }
  });

  test("a route to the ejected provider's own cluster still reaches it (panic: no healthy host)", async () => {
    const rig = await startFailoverRig({ gateway: routeFromTestHeader, a: answer(503), b: answer(200) });
    try {
      for (let i = 0; i < 3; i++) await (await post(rig.harness.url, "smart")).text();
      assert.equal(rig.a.requests.length, 3);
      assert.equal((await post(rig.harness.url, "smart")).headers.get("x-envoy-attempt-count"), "1");
      const res = await post(rig.harness.url, "single");
      assert.equal(res.status, 503);
      assert.equal(rig.a.requests.length, 4);
    } finally {
      await rig.close();
    }
  });

  test("with the other provider failing too, retries stay off the ejected provider", async () => {
    const rig = await startFailoverRig({
      gateway: routeTo("smart"),
      a: answer(503, "a"),
      b: answer(503, "b"),
    });
    try {
      // Request 1: a, b, a (exclusions reset to the top); request 2: a (third 5xx: ejected), b, b.
      for (let i = 0; i < 2; i++) await (await post(rig.harness.url)).text();
      assert.equal(rig.a.requests.length, 3);
      const res = await post(rig.harness.url);
      assert.equal(res.headers.get("x-envoy-attempt-count"), "3");
      assert.equal(await res.text(), "b");
      assert.equal(rig.a.requests.length, 3, "every attempt went to b, the only healthy level");
    } finally {
      await rig.close();
    }
  });
});
