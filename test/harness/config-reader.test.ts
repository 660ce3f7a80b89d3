import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseEnvoyConfig } from "./envoy-config-reader.ts";

const FIXTURE = readFileSync(new URL("./fixtures/failover.yaml", import.meta.url), "utf8");

test("reads weighted_clusters and outlier_detection as the harness emulates them", () => {
  const config = parseEnvoyConfig(FIXTURE);
  const balanced = config.routeConfig.virtualHosts[0]?.routes.find(
    (route) =>
      route.match.headers[0]?.match.kind === "exact" && route.match.headers[0].match.value === "balanced",
  );
  assert.ok(balanced?.action.kind === "cluster");
  assert.deepEqual(balanced.action.weightedClusters, [
    { name: "alias_ab", weight: 3 },
    { name: "alias_ba", weight: 1 },
  ]);
  assert.deepEqual(config.clusters.provider_a?.outlierDetection, {
    consecutive5xx: 3,
    consecutiveGatewayFailure: 5,
    enforcingConsecutive5xx: 100,
    enforcingConsecutiveGatewayFailure: 0,
    intervalMs: 10_000,
    baseEjectionTimeMs: 30_000,
    maxEjectionTimeMs: 300_000,
    maxEjectionPercent: 100,
  });
  assert.equal(config.clusters.provider_b?.outlierDetection, undefined);
});

test("refuses retry and outlier settings it does not emulate rather than ignoring them", () => {
  const idle = FIXTURE.replace(
    "per_try_timeout: 0.5s",
    "per_try_timeout: 0.5s\n                              per_try_idle_timeout: 1s",
  );
  assert.throws(
    () => parseEnvoyConfig(idle),
    /retry_policy fields the harness does not emulate: per_try_idle_timeout/,
  );
  const successRate = FIXTURE.replace(
    "consecutive_5xx: 3",
    "consecutive_5xx: 3\n        success_rate_minimum_hosts: 1",
  );
  assert.throws(
    () => parseEnvoyConfig(successRate),
    /outlier_detection fields .* success_rate_minimum_hosts/,
  );
});
