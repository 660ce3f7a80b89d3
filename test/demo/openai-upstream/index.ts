/**
 * A small OpenAI-compatible provider for the demo and the end-to-end tests. It validates requests
 * the way OpenAI does (same status codes, same error shape) so that a gateway bug that mangles a
 * body shows up as the provider's 400, and it records every request so tests can assert what the
 * provider really received after the gateway rewrote it.
 */

export type { RecordedRequest } from "../mock-server/recorded-request.ts";
export { demoEmbedding } from "./embedding-answer.ts";
export { DEMO_MODELS } from "./models-answer.ts";
export {
  type DemoUpstream,
  type DemoUpstreamOptions,
  startDemoUpstream,
} from "./start-demo-upstream.ts";
