import assert from "node:assert/strict";
import fs from "node:fs";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { aggregateMembers, isAggregate, matchedHeader, ROUTE_HEADER, routeClusters } from "./envoy-routes.ts";
import { type Doc, obj, objects } from "./yaml-document.ts";

/**
 * The policy data names each alias's targets with priorities and weights; envoy/envoy.yaml holds
 * the clusters that carry them out. The two must agree, or a request would fail over in an order
 * (or share traffic in proportions) the security team never wrote down.
 */

interface Target {
  model: string;
  priority: number;
  weight: number;
}
interface CatalogueEntry {
  provider: string;
  targets?: Target[];
}
/** One cluster a route may pick: its failover order and its weight. */
interface Pick {
  members: string[];
  weight: number;
}

const data = JSON.parse(fs.readFileSync(new URL("../../policies/data.json", import.meta.url), "utf8")) as {
  gateway: { models: Record<string, CatalogueEntry> };
};
const models = data.gateway.models;
const envoy = obj(
  parse(fs.readFileSync(new URL("../../envoy/envoy.yaml", import.meta.url), "utf8")),
  "envoy",
);
const resources = obj(envoy.static_resources, "static_resources");
const clusters = objects(resources.clusters, "clusters");
const hcm = objects(objects(resources.listeners, "listeners")[0]?.filter_chains, "filter_chains")
  .flatMap((chain) => objects(chain.filters, "filters"))
  .map((filter) => obj(filter.typed_config, "typed_config"))[0];
const routes = objects(obj(hcm?.route_config, "route_config").virtual_hosts, "virtual_hosts").flatMap(
  (host) => objects(host.routes, "routes"),
);
const aliases = Object.entries(models).filter(([, entry]) => entry.targets !== undefined);

const providerCluster = (target: Target): string => `provider_${models[target.model]?.provider}`;

/**
 * What the data asks of Envoy: the first priority level's targets share traffic by weight, each
 * pick failing over to the rest of its level (as listed), then to the later levels in priority order.
 */
function expectedPicks(targets: Target[]): Pick[] {
  const ordered = targets
    .map((target, index) => ({ target, index }))
    .sort((a, b) => a.target.priority - b.target.priority || a.index - b.index)
    .map(({ target }) => target);
  const firstPriority = ordered[0]?.priority;
  const firstLevel = ordered.filter((target) => target.priority === firstPriority);
  const later = ordered.filter((target) => target.priority !== firstPriority);
  if (firstLevel.length === 1) return [{ members: ordered.map(providerCluster), weight: 1 }];
  return firstLevel.map((first) => ({
    members: [first, ...firstLevel.filter((other) => other !== first), ...later].map(providerCluster),
    weight: first.weight,
  }));
}

function envoyPicks(route: Doc): Pick[] {
  return routeClusters(route).map(({ name, weight }) => {
    const cluster = clusters.find((item) => item.name === name);
    assert.ok(cluster && isAggregate(cluster), `${name} is an aggregate cluster`);
    return { members: aggregateMembers(cluster), weight };
  });
}

const sorted = (picks: Pick[]): Pick[] =>
  [...picks].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe("failover aliases: policy data and envoy.yaml agree", () => {
  test("the shipped data has aliases to check, one of them weighted", () => {
    assert.ok(aliases.length >= 2);
    assert.ok(aliases.some(([, entry]) => expectedPicks(entry.targets ?? []).length > 1));
  });

  for (const [name, entry] of aliases) {
    test(`alias ${name}: every route for ${entry.provider} picks the clusters, orders and weights its targets give`, () => {
      const aliasRoutes = routes.filter((route) => matchedHeader(route, ROUTE_HEADER) === entry.provider);
      assert.ok(aliasRoutes.length > 0, `a route matches ${ROUTE_HEADER}: ${entry.provider}`);
      const expected = sorted(expectedPicks(entry.targets ?? []));
      for (const route of aliasRoutes) {
        const picks = sorted(envoyPicks(route));
        if (expected.length === 1) {
          assert.deepEqual(
            picks.map((pick) => pick.members),
            [expected[0]?.members],
            `${name}: failover order`,
          );
        } else {
          assert.deepEqual(picks, expected, `${name}: orders and weights`);
        }
      }
    });
  }

  test("every alias route and aggregate cluster in envoy.yaml belongs to an alias of the data", () => {
    const routeValues = new Set(aliases.map(([, entry]) => entry.provider));
    const used = new Set<string>();
    for (const route of routes.filter((item) => item.route !== undefined)) {
      const value = matchedHeader(route, ROUTE_HEADER) ?? "";
      if (!value.startsWith("alias-")) continue;
      assert.ok(routeValues.has(value), `${value} is an alias in policies/data.json`);
      for (const { name } of routeClusters(route)) used.add(name);
    }
    const aggregates = clusters.filter(isAggregate).map((cluster) => String(cluster.name));
    assert.deepEqual([...used].sort(), aggregates.sort(), "no aggregate cluster is left unused");
  });
});
