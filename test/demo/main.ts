import { execFileSync } from "node:child_process";
import pino from "pino";
import { parseGatewayConfig } from "../../extproc/src/config.ts";
import { openAuditSinks } from "../../extproc/src/open-audit-sink.ts";
import { startGateway } from "../../extproc/src/start-gateway.ts";
import { startEnvoyHarness } from "../harness/envoy-harness.ts";
import { DEMO_KEYS } from "../support/gateway-under-test.ts";
import { startMockProviders } from "../support/mock-providers.ts";

/**
 * `npm start`: the whole gateway on loopback with the shipped policy. The Envoy test harness
 * stands in for Envoy on :10000; ClickHouse runs locally when its server package is installed,
 * otherwise audit rows wait in the spool.
 */
const FRONT_PORT = Number(process.env.GATEWAY_DEMO_PORT ?? 10000);
const CLICKHOUSE_PORT = 18123;
const STATE_DIR = ".gateway/demo";
const DEMO_KEY = DEMO_KEYS.alice;
const DEMO_PROVIDER_KEY = "local-demo-provider-key";

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

function startClickHouse(): string {
  try {
    return run("bash", [
      "test/setup/clickhouse.sh",
      "start",
      String(CLICKHOUSE_PORT),
      `${STATE_DIR}/clickhouse`,
    ]);
  } catch {
    return "";
  }
}

run("bash", ["policies/build.sh"]);
// Mock OpenAI-compatible, Anthropic, Gemini and Azure APIs: every model the demo policy lists answers locally.
const providers = await startMockProviders(
  { anthropic: DEMO_PROVIDER_KEY, gemini: DEMO_PROVIDER_KEY, azure: DEMO_PROVIDER_KEY },
  false,
);
const clickhouseUrl = startClickHouse();
const parsed = parseGatewayConfig({
  ...process.env,
  GATEWAY_GRPC_HOST: "127.0.0.1",
  GATEWAY_CLICKHOUSE_URL: clickhouseUrl,
  GATEWAY_AUDIT_SPOOL_DIR: `${STATE_DIR}/spool`,
  GATEWAY_AUDIT_FLUSH_MS: "500",
  // The local mock providers accept these keys; a real deployment sets its own.
  ...providers.keyEnv,
  GATEWAY_PII_HMAC_KEY: process.env.GATEWAY_PII_HMAC_KEY ?? "local-demo-hmac-key-not-secret",
});
if (!parsed.ok) throw new Error(parsed.message);
const config = parsed.config;
const logger = pino({ level: config.logLevel });

const audit = await openAuditSinks(config.audit, logger);
const gateway = await startGateway(config, logger, { audit: audit.requests, attempts: audit.attempts });
const harness = await startEnvoyHarness({
  envoyConfigPath: "envoy/envoy.yaml",
  processorAddress: `127.0.0.1:${gateway.port}`,
  clusters: providers.clusters,
  port: FRONT_PORT,
});

const table = config.audit.clickhouse
  ? `${config.audit.clickhouse.database}.${config.audit.clickhouse.table}`
  : "";
const attemptsTable = config.audit.clickhouse
  ? `${config.audit.clickhouse.database}.${config.audit.clickhouse.attemptsTable}`
  : "";
process.stdout.write(`
The gateway is running (Envoy stand-in on ${harness.url}, processor on 127.0.0.1:${gateway.port}).

Try an approved model:
  curl -s ${harness.url}/v1/chat/completions -H 'authorization: Bearer ${DEMO_KEY}' \\
    -H 'content-type: application/json' \\
    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}'

The same OpenAI-style request answered by Claude (a local mock of Anthropic's API), translated
by the gateway; try "gemini-2.5-flash" too, "smart" (failover: Anthropic, then Gemini) or
"balanced" (Anthropic and Gemini sharing traffic 3:1, each failing over to the other):
  curl -s ${harness.url}/v1/chat/completions -H 'authorization: Bearer ${DEMO_KEY}' \\
    -H 'content-type: application/json' \\
    -d '{"model":"claude-haiku-4-5","messages":[{"role":"user","content":"hello"}]}'

Apps on Anthropic's or Gemini's own API reach those providers natively (no translation):
  curl -s ${harness.url}/v1/messages -H 'x-api-key: ${DEMO_KEY}' -H 'anthropic-version: 2023-06-01' \\
    -H 'content-type: application/json' \\
    -d '{"model":"claude-haiku-4-5","max_tokens":100,"messages":[{"role":"user","content":"hello"}]}'
  curl -s ${harness.url}/v1beta/models/gemini-2.5-flash:generateContent -H 'x-goog-api-key: ${DEMO_KEY}' \\
    -H 'content-type: application/json' -d '{"contents":[{"parts":[{"text":"hello"}]}]}'

A key of region eu (data residency) is served from the EU Azure deployment instead, and refused
models served only outside the EU (try "claude-haiku-4-5"):
  curl -s ${harness.url}/v1/chat/completions -H 'authorization: Bearer ${DEMO_KEYS.erin}' \\
    -H 'content-type: application/json' \\
    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}'

And one the policy refuses (403, OpenAI error shape):
  curl -s ${harness.url}/v1/chat/completions -H 'authorization: Bearer ${DEMO_KEY}' \\
    -H 'content-type: application/json' \\
    -d '{"model":"o1-preview","messages":[{"role":"user","content":"hello"}]}'

${
  clickhouseUrl
    ? `See the audit rows:
  curl -s ${clickhouseUrl} --data-binary \\
    "SELECT request_id, team, requested_model, decision, reason_codes, status, total_tokens FROM ${table} ORDER BY time_ms DESC LIMIT 5 FORMAT PrettyCompact"

And each provider attempt behind them:
  curl -s ${clickhouseUrl} --data-binary \\
    "SELECT request_id, attempt, provider, model, status, outcome, latency_ms FROM ${attemptsTable} ORDER BY time_ms DESC LIMIT 5 FORMAT PrettyCompact"`
    : `ClickHouse is not installed (run as root to install it): audit rows are spooled in ${config.audit.spoolDir}.`
}

Ctrl-C stops everything.
`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await harness.close();
  await gateway.close();
  await audit.close();
  await providers.close();
  if (clickhouseUrl) run("bash", ["test/setup/clickhouse.sh", "stop", `${STATE_DIR}/clickhouse`]);
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
