import type { HeaderMatcher, RouteConfig, RouteEntry, VirtualHost } from "./harness-config.ts";
import type { HeaderMap } from "./header-map.ts";

export interface SelectedRoute {
  virtualHost: VirtualHost;
  entry: RouteEntry;
}

function domainMatches(pattern: string, host: string): boolean {
  if (pattern === "*") return true;
  if (pattern.startsWith("*")) return host.endsWith(pattern.slice(1));
  if (pattern.endsWith("*")) return host.startsWith(pattern.slice(0, -1));
  return pattern === host;
}

/** Envoy prefers exact domains, then suffix wildcards, then prefix wildcards, then "*". */
function selectVirtualHost(config: RouteConfig, authority: string): VirtualHost | undefined {
  const host = authority.toLowerCase();
  const hostNoPort = host.replace(/:\d+$/, "");
  const rank = (pattern: string): number =>
    pattern === "*" ? 3 : pattern.startsWith("*") ? 1 : pattern.endsWith("*") ? 2 : 0;
  let best: { vh: VirtualHost; rank: number } | undefined;
  for (const vh of config.virtualHosts) {
    for (const pattern of vh.domains) {
      if (!domainMatches(pattern, host) && !domainMatches(pattern, hostNoPort)) continue;
      const r = rank(pattern);
      if (best === undefined || r < best.rank) best = { vh, rank: r };
    }
  }
  return best?.vh;
}

function headerMatches(matcher: HeaderMatcher, headers: HeaderMap): boolean {
  const values = headers.getAll(matcher.name);
  // Envoy matches multi-valued headers against their comma-joined value.
  const value = values.length === 0 ? undefined : values.join(",");
  const m = matcher.match;
  let matched: boolean;
  if (m.kind === "present") matched = (value !== undefined) === m.present;
  else if (value === undefined) return false;
  else if (m.kind === "exact") matched = value === m.value;
  else if (m.kind === "prefix") matched = value.startsWith(m.value);
  else if (m.kind === "suffix") matched = value.endsWith(m.value);
  else matched = value.includes(m.value);
  return matched !== matcher.invert;
}

function routeMatches(entry: RouteEntry, headers: HeaderMap): boolean {
  const path = (headers.get(":path") ?? "/").split("?")[0] ?? "/";
  if (entry.match.path !== undefined && path !== entry.match.path) return false;
  if (entry.match.prefix !== undefined && !path.startsWith(entry.match.prefix)) return false;
  return entry.match.headers.every((m) => headerMatches(m, headers));
}

/** The first matching route of the matching virtual host, as the router would pick it. */
export function selectRoute(config: RouteConfig, headers: HeaderMap): SelectedRoute | undefined {
  const virtualHost = selectVirtualHost(config, headers.get(":authority") ?? "");
  if (virtualHost === undefined) return undefined;
  const entry = virtualHost.routes.find((r) => routeMatches(r, headers));
  return entry === undefined ? undefined : { virtualHost, entry };
}
