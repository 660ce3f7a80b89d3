/**
 * A small Anthropic Messages API provider for the demo and the tests. It validates requests the
 * way Anthropic does (same statuses, Anthropic's error shape, strict about unknown fields and the
 * conversation rules) so a translation bug shows up as the provider's 400, answers with realistic
 * messages and event streams (tool use and usage included), and records every request.
 * Model names containing "fail-503", "fail-429" or "fail-cut" force failures for failover tests.
 */
export type { RecordedRequest } from "../mock-server/recorded-request.ts";
export {
  type AnthropicUpstream,
  type AnthropicUpstreamOptions,
  startAnthropicUpstream,
} from "./start-anthropic-upstream.ts";
