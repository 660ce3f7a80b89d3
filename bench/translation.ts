import { performance } from "node:perf_hooks";
import pino from "pino";
import { PolicyStore } from "../extproc/src/adapters/opa/policy-store.ts";
import { ProviderAttempt } from "../extproc/src/pipeline/provider-attempt.ts";
import type { HeaderList } from "../extproc/src/protocol/http-exchange.ts";
import { PROVIDER_ADAPTERS } from "../extproc/src/provider-adapters.ts";

/**
 * Translation overhead per request in the per-attempt filter, against passthrough, in one process:
 * the same OpenAI chat request (~2 KB) through the translate stream of an OpenAI-compatible
 * provider (model rewrite only), Anthropic and Gemini, with each provider's own answer (~1 KB)
 * translated back. No network: this is the processor's own work per attempt.
 * Run: node --import tsx bench/translation.ts [--seconds 3]
 */
const secondsAt = process.argv.indexOf("--seconds");
const seconds = secondsAt >= 0 ? Number(process.argv[secondsAt + 1]) : 3;
const logger = pino({ level: "silent" });
const policies = await PolicyStore.open("policies/build/bundle.tar.gz", 0, logger);

const text = "The quarterly report covers revenue, churn and the roadmap for the next two releases. ";
const request = Buffer.from(
  JSON.stringify({
    model: "bench",
    messages: Array.from({ length: 8 }, (_, i) => ({
      role: i % 2 ? "assistant" : "user",
      content: text.repeat(2),
    })),
    temperature: 0.7,
    max_tokens: 512,
  }),
);
const answerText = text.repeat(9);
const answers: Record<string, Buffer> = {
  demo: Buffer.from(
    JSON.stringify({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1,
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: answerText }, finish_reason: "stop" }],
      usage: { prompt_tokens: 400, completion_tokens: 200, total_tokens: 600 },
    }),
  ),
  anthropic: Buffer.from(
    JSON.stringify({
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-haiku-4-5",
      content: [{ type: "text", text: answerText }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 400, output_tokens: 200 },
    }),
  ),
  gemini: Buffer.from(
    JSON.stringify({
      candidates: [
        { content: { role: "model", parts: [{ text: answerText }] }, finishReason: "STOP", index: 0 },
      ],
      usageMetadata: { promptTokenCount: 400, candidatesTokenCount: 200, totalTokenCount: 600 },
      modelVersion: "gemini-2.5-flash",
    }),
  ),
};
const models: Record<string, string> = {
  demo: "gpt-4o-mini",
  anthropic: "claude-haiku-4-5",
  gemini: "gemini-2.5-flash",
};

function headers(provider: string): HeaderList {
  return [
    [":method", "POST"],
    [":path", "/v1/chat/completions"],
    ["content-type", "application/json"],
    ["x-request-id", "bench"],
    ["x-gateway-api", "openai.chat_completions"],
    ["x-gateway-target-model", models[provider] ?? ""],
  ].map(([name = "", value = ""]) => ({ name, value }));
}
const responseHeaders: HeaderList = [
  { name: ":status", value: "200" },
  { name: "content-type", value: "application/json" },
];

async function measure(provider: string): Promise<number> {
  const credentials = new Map([[provider, "bench-provider-key"]]);
  const once = async () => {
    const attempt = new ProviderAttempt({
      provider,
      policies,
      adapters: PROVIDER_ADAPTERS,
      credentials,
      maxBodyBytes: 8 << 20,
      logger,
    });
    await attempt.onRequestHeaders(headers(provider));
    const sent = await attempt.onRequestBody(request, true);
    if (sent.kind !== "continue") throw new Error(`${provider}: the request was refused`);
    await attempt.onResponseHeaders(responseHeaders, false);
    const back = await attempt.onResponseBody(answers[provider] ?? Buffer.alloc(0), true);
    if (back.kind !== "continue") throw new Error(`${provider}: the answer was refused`);
  };
  for (let i = 0; i < 500; i++) await once();
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    for (let i = 0; i < 100; i++) await once();
    count += 100;
  }
  return ((performance.now() - start) * 1000) / count;
}

const passthrough = await measure("demo");
const results: Record<string, number> = { passthrough };
process.stdout.write(
  `translation per attempt (request ${request.length} B, answers ~${answerText.length} B, ${seconds} s each)\n`,
);
process.stdout.write(
  `${"openai-compatible (passthrough)".padEnd(34)} ${passthrough.toFixed(1).padStart(7)} µs/request  1.00x\n`,
);
for (const provider of ["anthropic", "gemini"]) {
  const us = await measure(provider);
  results[provider] = us;
  process.stdout.write(
    `${provider.padEnd(34)} ${us.toFixed(1).padStart(7)} µs/request  ${(us / passthrough).toFixed(2)}x  (+${(us - passthrough).toFixed(1)} µs)\n`,
  );
}
process.stdout.write(`${JSON.stringify({ bench: "translation", ...results })}\n`);
