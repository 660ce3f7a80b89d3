import { performance } from "node:perf_hooks";
import pino from "pino";
import { PolicyStore } from "../extproc/src/adapters/opa/policy-store.ts";
import type { AuditRecord, AuditSink } from "../extproc/src/pipeline/audit-record.ts";
import { GatewayExchange } from "../extproc/src/pipeline/gateway-exchange.ts";
import type { PolicySnapshot } from "../extproc/src/pipeline/ports.ts";
import type { HeaderList } from "../extproc/src/protocol/http-exchange.ts";

/**
 * The cost of PII handling per request, in the request pipeline itself (no gRPC, no network):
 * the same shipped bundle and the same chat exchange (a ~2 KB request, a ~1 KB answer that echoes
 * it), run three ways in one process:
 *   spine       detection switched off (no detectors): policy, parsing, audit row only
 *   scan        all detectors, a prompt without PII: what every request pays
 *   redact      all detectors, a prompt with PII: detection, placeholders, restore in the answer
 * Run: node --import tsx bench/pii-pipeline.ts [--seconds 3]
 */
const secondsAt = process.argv.indexOf("--seconds");
const seconds = secondsAt >= 0 ? Number(process.argv[secondsAt + 1]) : 3;
const logger = pino({ level: "silent" });
const store = await PolicyStore.open("policies/build/bundle.tar.gz", 0, logger);
const audit: AuditSink & { rows: number } = {
  rows: 0,
  write(_record: AuditRecord) {
    this.rows += 1;
  },
  async flush() {},
  async close() {},
};

const headers: HeaderList = [
  [":method", "POST"],
  [":path", "/v1/chat/completions"],
  [":authority", "gateway"],
  [":scheme", "http"],
  ["content-type", "application/json"],
  ["authorization", "Bearer gwk_demo_alice_7f3c9a"],
  ["x-request-id", "bench"],
].map(([name = "", value = ""]) => ({ name, value }));

const filler = "The quarterly report covers revenue, churn and the roadmap for the next two releases. ";
function chat(withPii: boolean): { request: Buffer; answer: Buffer } {
  const pii = withPii ? " Contact jane.doe@example.com or +1 415-555-0134, card 4111 1111 1111 1111." : "";
  const messages = Array.from({ length: 8 }, (_, i) => ({
    role: i % 2 === 0 ? "user" : "assistant",
    content: `${filler.repeat(2)}${i === 6 ? pii : ""}`,
  }));
  const request = Buffer.from(JSON.stringify({ model: "gpt-4o-mini", messages }));
  const echoed = withPii ? "Sure, I will write to [EMAIL_1] and call [PHONE_1]. " : "Sure. ";
  const answer = Buffer.from(
    JSON.stringify({
      id: "chatcmpl-1",
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: `${echoed}${filler.repeat(9)}` } }],
      usage: { prompt_tokens: 400, completion_tokens: 200, total_tokens: 600 },
    }),
  );
  return { request, answer };
}

const responseHeaders: HeaderList = [
  { name: ":status", value: "200" },
  { name: "content-type", value: "application/json" },
];

async function run(policy: PolicySnapshot, exchange: { request: Buffer; answer: Buffer }): Promise<number> {
  const deps = {
    policies: { current: () => policy },
    audit,
    clock: { nowMs: () => Date.now() },
    ids: { newId: () => "id" },
    maxBodyBytes: 8 << 20,
    piiHmacKey: Buffer.from("bench-hmac-key-0123456789"),
    logger,
  };
  const once = async () => {
    const ex = new GatewayExchange(deps);
    await ex.onRequestHeaders(headers, false);
    const action = await ex.onRequestBody(exchange.request, true);
    if (action.kind !== "continue") throw new Error("the bench exchange was refused");
    await ex.onResponseHeaders(responseHeaders, false);
    await ex.onResponseBody(exchange.answer, true);
    ex.onStreamEnd("completed");
  };
  for (let i = 0; i < 500; i++) await once();
  let count = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await once();
    count += 100;
  }
  return ((performance.now() - start) * 1000) / count;
}

const full = store.current();
const spine: PolicySnapshot = { ...full, detectors: [], evaluate: (input) => full.evaluate(input) };
const plain = chat(false);
const withPii = chat(true);
const spineUs = await run(spine, withPii);
const scanUs = await run(full, plain);
const redactUs = await run(full, withPii);
const rows = [
  ["spine (no detection)", spineUs],
  ["scan, no PII found", scanUs],
  ["scan + redact + restore", redactUs],
] as const;
process.stdout.write(
  `PII cost in the request pipeline (request ${withPii.request.length} B, answer ${withPii.answer.length} B, ${seconds} s each)\n`,
);
for (const [name, us] of rows) {
  process.stdout.write(
    `${name.padEnd(26)} ${us.toFixed(1).padStart(7)} µs/request  ${(us / spineUs).toFixed(2)}x spine\n`,
  );
}
process.stdout.write(`${JSON.stringify({ bench: "pii-pipeline", spineUs, scanUs, redactUs })}\n`);
