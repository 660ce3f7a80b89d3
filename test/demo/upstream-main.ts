import { z } from "zod";
import { startDemoUpstream } from "./openai-upstream/index.ts";

/** Runs the demo OpenAI-compatible provider as its own process (demo, docker-compose). */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  DEMO_UPSTREAM_API_KEY: z.string().min(1).optional(),
});

const env = Env.parse(process.env);
const upstream = await startDemoUpstream({
  port: env.PORT,
  host: env.HOST,
  apiKey: env.DEMO_UPSTREAM_API_KEY,
  record: false,
});
console.log(`demo OpenAI-compatible upstream listening on ${env.HOST}:${upstream.port} (${upstream.url}/v1)`);

let stopping = false;
function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`demo upstream stopping on ${signal}`);
  upstream.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
