import assert from "node:assert/strict";
import { type Doc, list, obj, objects } from "./yaml-document.ts";

/** Reading envoy.yaml's routes and aggregate clusters, shared by the config tests. */

export const ROUTE_HEADER = "x-gateway-route";
export const ANSWER_HEADER = "x-gateway-answer";
const AGGREGATE_CLUSTER = "envoy.clusters.aggregate";
const AGGREGATE_TYPE = "type.googleapis.com/envoy.extensions.clusters.aggregate.v3.ClusterConfig";

/** The exact value a route requires of a header, if it matches on it. */
export function matchedHeader(route: Doc, name: string): string | undefined {
  const headers = obj(route.match, "match").headers;
  if (headers === undefined) return undefined;
  const matcher = objects(headers, "headers").find((header) => header.name === name);
  const exact = matcher ? obj(matcher.string_match, "string_match").exact : undefined;
  return typeof exact === "string" ? exact : undefined;
}

/** The clusters a forwarding route picks from, with their weights (1 for a plain `cluster`). */
export function routeClusters(route: Doc): Array<{ name: string; weight: number }> {
  const action = obj(route.route, "route");
  if (typeof action.cluster === "string") return [{ name: action.cluster, weight: 1 }];
  const weighted = obj(action.weighted_clusters, "route weighted_clusters");
  return objects(weighted.clusters, "weighted_clusters.clusters").map((cluster) => ({
    name: String(cluster.name),
    weight: Number(cluster.weight),
  }));
}

export function isAggregate(cluster: Doc): boolean {
  return (
    cluster.cluster_type !== undefined && obj(cluster.cluster_type, "cluster_type").name === AGGREGATE_CLUSTER
  );
}

/** The clusters an aggregate cluster fails over across, in priority order. */
export function aggregateMembers(cluster: Doc): string[] {
  const clusterType = obj(cluster.cluster_type, `${String(cluster.name)}.cluster_type`);
  const config = obj(clusterType.typed_config, `${String(cluster.name)} aggregate typed_config`);
  assert.equal(config["@type"], AGGREGATE_TYPE);
  return list(config.clusters, `${String(cluster.name)} clusters`).map(String);
}
