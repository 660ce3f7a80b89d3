import { parseArgs } from "node:util";
import { z } from "zod";
import { freeLoopbackPort } from "../test/support/free-port.ts";
import { type BenchAudit, startBenchClickHouse } from "./bench-clickhouse.ts";
import { chatExchangeFixture } from "./chat-exchange-fixture.ts";
import { runLevel } from "./closed-loop.ts";
import { type CpuWindow, openCpuWindow } from "./cpu-window.ts";
import { encodeExchange } from "./encoded-exchange.ts";
import {
  formatErrors,
  formatTable,
  formatVerdict,
  judgeTargets,
  type LevelCpu,
  type ServerRun,
  type Targets,
} from "./format-report.ts";
import { connectExtProc, runH2Exchange } from "./h2-exchange.ts";
import { type ServerProcess, spawnServer } from "./server-process.ts";

/**
 * Benchmarks the gateway's ext_proc server against a no-op ext_proc server on the same stack (the
 * floor), over real gRPC with Envoy's message sequence for a buffered chat completion. See
 * bench/README.md for how to read the output.
 */

interface ServerSpec {
  name: string;
  entry: string;
}

const SERVERS = {
  noop: { name: "no-op ext_proc", entry: "bench/noop-ext-proc-server.ts" },
  gateway: { name: "gateway (policy + audit)", entry: "bench/gateway-server.ts" },
} satisfies Record<string, ServerSpec>;

// The server under test; `--subject noop` (or changing this line) benchmarks the bench itself.
const DEFAULT_SUBJECT: keyof typeof SERVERS = "gateway";

// With --profile each server writes V8 CPU profiles under <dir>/<role>/ on exit, one per thread (the
// largest is the main thread); open them in Chrome DevTools.
const PROFILE_DIR = ".gateway/bench-profiles";

const TARGETS: Targets = { concurrency: 16, minRatioToFloor: 0.5, maxP99Ms: 5 };

const Options = z.object({
  concurrency: z
    .string()
    .transform((list) => list.split(",").map((n) => Number(n.trim())))
    .pipe(z.array(z.number().int().min(1).max(1024)).min(1)),
  duration: z.coerce.number().positive(),
  warmup: z.coerce.number().min(0),
  subject: z.enum(["gateway", "noop"]),
  timeoutMs: z.coerce.number().int().positive(),
  profile: z.boolean(),
});
type Options = z.infer<typeof Options>;

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      concurrency: { type: "string", default: "1,4,16,64" },
      duration: { type: "string", default: "5" },
      warmup: { type: "string", default: "1" },
      subject: { type: "string", default: DEFAULT_SUBJECT },
      "timeout-ms": { type: "string", default: "10000" },
      profile: { type: "boolean", default: false },
    },
  });
  return Options.parse({ ...values, timeoutMs: values["timeout-ms"] });
}

/** Defaults for the gateway child; anything already set in the environment wins. */
function serverEnv(port: number, audit: BenchAudit): NodeJS.ProcessEnv {
  return {
    GATEWAY_BUNDLE_PATH: "policies/build/bundle.tar.gz",
    // Nothing listens on the discard port: with ClickHouse unavailable the gateway spools to disk.
    GATEWAY_CLICKHOUSE_URL: audit.clickhouseUrl ?? "http://127.0.0.1:9",
    GATEWAY_CLICKHOUSE_DATABASE: "gateway_bench",
    GATEWAY_AUDIT_SPOOL_DIR: ".gateway/bench-spool",
    GATEWAY_LOG_LEVEL: "warn",
    ...process.env,
    GATEWAY_GRPC_HOST: "127.0.0.1",
    GATEWAY_GRPC_PORT: String(port),
  };
}

function levelCpu(window: CpuWindow | undefined, completed: number): LevelCpu {
  if (!window) {
    return {
      serverCpuUsPerRequest: undefined,
      serverCpuShare: undefined,
      clientCpuUsPerRequest: undefined,
      clientCpuShare: 0,
    };
  }
  const perRequest = (ms: number | undefined): number | undefined =>
    ms === undefined || completed === 0 ? undefined : (ms * 1000) / completed;
  return {
    serverCpuUsPerRequest: perRequest(window.serverCpuMs),
    serverCpuShare: window.serverCpuMs === undefined ? undefined : window.serverCpuMs / window.wallMs,
    clientCpuUsPerRequest: perRequest(window.clientCpuMs),
    clientCpuShare: window.clientCpuMs / window.wallMs,
  };
}

async function benchServer(
  role: ServerRun["role"],
  spec: ServerSpec,
  options: Options,
  env: NodeJS.ProcessEnv,
  floor: ServerRun | undefined,
): Promise<ServerRun> {
  const server: ServerProcess = await spawnServer(
    `${role}: ${spec.name}`,
    spec.entry,
    env,
    120_000,
    options.profile ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}/${role}`] : [],
  );
  const exchange = encodeExchange(chatExchangeFixture());
  const idleRssBytes = server.rssBytes();
  const levels: ServerRun["levels"] = [];
  let stats: string | undefined;
  try {
    const connection = await connectExtProc(server.port);
    try {
      for (const concurrency of options.concurrency) {
        let rssMaxBytes: number | undefined;
        const sampleRss = (): void => {
          const rss = server.rssBytes();
          if (rss !== undefined) rssMaxBytes = Math.max(rssMaxBytes ?? 0, rss);
        };
        process.stderr.write(`${role} ${spec.name}: concurrency ${concurrency}...\n`);
        let closeCpuWindow: (() => CpuWindow) | undefined;
        let cpuWindow: CpuWindow | undefined;
        const level = await runLevel({
          concurrency,
          warmupMs: options.warmup * 1000,
          durationMs: options.duration * 1000,
          once: () => runH2Exchange(connection, exchange, options.timeoutMs),
          onSample: sampleRss,
          window: {
            open: () => {
              closeCpuWindow = openCpuWindow(server.pid);
            },
            close: () => {
              cpuWindow = closeCpuWindow?.();
            },
          },
        });
        sampleRss();
        const floorRps = floor?.levels.find((l) => l.concurrency === concurrency)?.rps;
        const ratioToFloor = floorRps ? level.rps / floorRps : role === "floor" ? 1 : undefined;
        levels.push({ ...level, rssMaxBytes, ratioToFloor, ...levelCpu(cpuWindow, level.completedInWindow) });
      }
    } finally {
      await connection.close();
    }
  } finally {
    stats = await server.stop();
  }
  return {
    role,
    name: spec.name,
    entry: spec.entry,
    idleRssBytes,
    levels,
    logLines: server.logSummary().lines,
    exitStats: parseStats(stats),
  };
}

const AuditStats = z.object({
  audit: z.object({ inserted: z.number(), spooled: z.number(), dropped: z.number(), failures: z.number() }),
});

function parseStats(line: string | undefined): unknown {
  if (line === undefined) return null;
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

function describeAuditStats(run: ServerRun): string | undefined {
  const parsed = AuditStats.safeParse(run.exitStats);
  if (!parsed.success) return undefined;
  const { inserted, spooled, dropped, failures } = parsed.data.audit;
  return `audit rows written by the subject: ${inserted} inserted into ClickHouse, ${spooled} spooled, ${dropped} dropped, ${failures} ClickHouse failures`;
}

async function main(): Promise<number> {
  const options = readOptions();
  const subject = SERVERS[options.subject];
  const fixture = chatExchangeFixture();
  const audit: BenchAudit =
    options.subject === "gateway"
      ? await startBenchClickHouse()
      : { clickhouseUrl: undefined, description: "not used by the no-op subject", stop: async () => {} };
  try {
    const env = serverEnv(await freeLoopbackPort(), audit);
    const floor = await benchServer("floor", SERVERS.noop, options, env, undefined);
    const tested = await benchServer("subject", subject, options, env, floor);
    const runs = [floor, tested];
    const verdict = judgeTargets(tested, TARGETS);

    const auditLine =
      audit.clickhouseUrl === undefined && options.subject === "gateway"
        ? `audit: ${audit.description}; AUDIT WENT TO THE DISK SPOOL (${env.GATEWAY_AUDIT_SPOOL_DIR}), not ClickHouse`
        : `audit: ${audit.description}${audit.clickhouseUrl ? ` (database ${env.GATEWAY_CLICKHOUSE_DATABASE})` : ""}`;
    console.log(
      [
        "",
        `ext_proc bench: buffered chat completion, 4 messages per stream (request body ${fixture.requestBodyBytes} B,` +
          ` response body ${fixture.responseBodyBytes} B); closed loop, ${options.warmup} s warm-up + ${options.duration} s per level`,
        `floor: ${floor.name} (${floor.entry}); subject: ${tested.name} (${tested.entry}); 1 HTTP/2 connection from a lean node:http2 client (pre-encoded messages); each server in its own process`,
        auditLine,
        `idle RSS: floor ${((floor.idleRssBytes ?? 0) / 2 ** 20).toFixed(1)} MB, subject ${((tested.idleRssBytes ?? 0) / 2 ** 20).toFixed(1)} MB`,
        "server CPU: µs of CPU per request (all server threads, from /proc); server/client CPU: share of one core over the window",
        "",
        formatTable(runs),
        "",
        formatVerdict(verdict, TARGETS, floor),
        ...formatErrors(runs),
        ...[describeAuditStats(tested)].filter((line) => line !== undefined),
        ...runs.filter((r) => r.logLines > 0).map((r) => `${r.role} ${r.name} wrote ${r.logLines} log lines`),
        "",
      ].join("\n"),
    );
    console.log(
      JSON.stringify({
        bench: "extproc",
        options,
        requestBodyBytes: fixture.requestBodyBytes,
        responseBodyBytes: fixture.responseBodyBytes,
        audit: { clickhouseUrl: audit.clickhouseUrl ?? null, description: audit.description },
        targets: TARGETS,
        verdict,
        runs,
      }),
    );
    const failed = runs.some((r) => r.levels.some((l) => l.errors > 0));
    return failed ? 1 : 0;
  } finally {
    await audit.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
