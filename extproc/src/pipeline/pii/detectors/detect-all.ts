import { ANTHROPIC_API_KEY, AWS_ACCESS_KEY, GITHUB_TOKEN, OPENAI_API_KEY } from "./api-keys.ts";
import { CREDIT_CARD } from "./credit-card.ts";
import { EMAIL } from "./email.ts";
import { IBAN } from "./iban.ts";
import { IP_ADDRESS } from "./ip-address.ts";
import { JWT } from "./jwt.ts";
import { PHONE } from "./phone.ts";
import { PRIVATE_KEY } from "./private-key.ts";
import type { Detector, TextMatch } from "./types.ts";
import { US_SSN } from "./us-ssn.ts";

/**
 * When two detectors claim overlapping text, a built-in secret (credential, key, token) wins over
 * anything else whatever their lengths: "https://ghp_…@github.com" is a leaked token, not an
 * address, and a policy that blocks tokens but redacts addresses must see the token. Otherwise the
 * longer match wins (it explains more of the text), then the more sensitive type: a credential over
 * a card over contact data, custom types last. The order is fixed so redaction is the same on every
 * replica.
 */
/** Built-in secrets: they win any overlap (see above). Listed strongest first. */
const SECRET_TYPES: readonly string[] = [
  AWS_ACCESS_KEY,
  GITHUB_TOKEN,
  OPENAI_API_KEY,
  ANTHROPIC_API_KEY,
  PRIVATE_KEY,
  JWT,
];
const PRIORITY: readonly string[] = [...SECRET_TYPES, CREDIT_CARD, IBAN, US_SSN, EMAIL, IP_ADDRESS, PHONE];
const RANK = new Map(PRIORITY.map((type, index) => [type, index]));
const SECRETS: ReadonlySet<string> = new Set(SECRET_TYPES);

/** Negative: `a` wins. Secrets first; custom types rank after all built-ins, among themselves by name. */
function compareStrength(a: TextMatch, b: TextMatch): number {
  const secretA = SECRETS.has(a.type);
  if (secretA !== SECRETS.has(b.type)) return secretA ? -1 : 1;
  const byLength = b.end - b.start - (a.end - a.start);
  if (byLength !== 0) return byLength;
  const rankA = RANK.get(a.type) ?? PRIORITY.length;
  const rankB = RANK.get(b.type) ?? PRIORITY.length;
  if (rankA !== rankB) return rankA - rankB;
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  return a.start - b.start;
}

/** Keeps the strongest matches of one cluster of overlapping matches, greedily. */
function resolveCluster(cluster: TextMatch[], out: TextMatch[]): void {
  cluster.sort(compareStrength);
  const kept: TextMatch[] = [];
  for (const match of cluster) {
    // `kept` stays sorted by start and disjoint: find where the match would go and check both neighbours.
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((kept[mid] as TextMatch).start < match.start) lo = mid + 1;
      else hi = mid;
    }
    const before = kept[lo - 1];
    const after = kept[lo];
    if (before !== undefined && before.end > match.start) continue;
    if (after !== undefined && after.start < match.end) continue;
    kept.splice(lo, 0, match);
  }
  for (const match of kept) out.push(match);
}

export function detectAll(text: string, detectors: readonly Detector[]): TextMatch[] {
  return resolveOverlaps(detectEach(text, detectors));
}

/** Every detector's own matches, overlaps between detectors included. */
export function detectEach(text: string, detectors: readonly Detector[]): TextMatch[] {
  const all: TextMatch[] = [];
  for (const detector of detectors) for (const match of detector.detect(text)) all.push(match);
  return all;
}

/** The matches that win their overlaps (see compareStrength), sorted by start. Sorts `all` in place. */
export function resolveOverlaps(all: TextMatch[]): TextMatch[] {
  if (all.length <= 1) return all;
  all.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: TextMatch[] = [];
  let cluster: TextMatch[] = [];
  let clusterEnd = -1;
  for (const match of all) {
    if (match.start >= clusterEnd && cluster.length > 0) {
      if (cluster.length === 1) out.push(cluster[0] as TextMatch);
      else resolveCluster(cluster, out);
      cluster = [];
    }
    cluster.push(match);
    clusterEnd = Math.max(clusterEnd, match.end);
  }
  if (cluster.length === 1) out.push(cluster[0] as TextMatch);
  else resolveCluster(cluster, out);
  return out;
}
