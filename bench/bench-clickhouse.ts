import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { freeLoopbackPort } from "../test/support/free-port.ts";

/**
 * ClickHouse for the audit side of the bench, started with the project's own setup script so the
 * bench measures the gateway with audit writing to a real server, as in production.
 */

const run = promisify(execFile);
const SCRIPT = "test/setup/clickhouse.sh";
const PREFERRED_HTTP_PORT = 18124;
const STATE_DIR = ".gateway/bench-clickhouse";
// First use may apt-get install the server.
const START_TIMEOUT_MS = 300_000;

export interface BenchAudit {
  /** undefined when ClickHouse could not be started: the gateway then spools audit rows to disk. */
  clickhouseUrl: string | undefined;
  description: string;
  stop(): Promise<void>;
}

async function answersPing(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

function failureReason(error: unknown): string {
  // execFile's error carries the script's stderr, which says why (the message only has the command).
  if (error && typeof error === "object" && "stderr" in error && typeof error.stderr === "string") {
    const line = error.stderr.trim().split("\n").at(-1);
    if (line) return line;
  }
  return error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
}

async function startOn(port: number): Promise<BenchAudit> {
  const alreadyRunning = await answersPing(`http://127.0.0.1:${port}`);
  const { stdout } = await run("bash", [SCRIPT, "start", String(port), STATE_DIR], {
    timeout: START_TIMEOUT_MS,
  });
  const url = stdout.trim().split("\n").at(-1)?.trim();
  if (!url?.startsWith("http")) throw new Error(`unexpected output: ${stdout.trim()}`);
  return {
    clickhouseUrl: url,
    description: `ClickHouse at ${url}${alreadyRunning ? " (already running)" : ""}`,
    // A server someone else started stays up; one the bench started goes with it.
    stop: alreadyRunning
      ? async () => {}
      : async () => {
          await run("bash", [SCRIPT, "stop", STATE_DIR], { timeout: 60_000 }).catch(() => undefined);
        },
  };
}

export async function startBenchClickHouse(): Promise<BenchAudit> {
  const spoolOnly = (description: string): BenchAudit => ({
    clickhouseUrl: undefined,
    description,
    stop: async () => {},
  });
  if (!existsSync(SCRIPT)) return spoolOnly(`${SCRIPT} is missing`);
  try {
    return await startOn(PREFERRED_HTTP_PORT);
  } catch (first) {
    // Another local ClickHouse may hold the preferred port (e.g. as its native TCP port).
    if (!failureReason(first).includes("in use"))
      return spoolOnly(`ClickHouse failed to start: ${failureReason(first)}`);
    try {
      return await startOn(await freeLoopbackPort());
    } catch (second) {
      return spoolOnly(`ClickHouse failed to start: ${failureReason(second)}`);
    }
  }
}
