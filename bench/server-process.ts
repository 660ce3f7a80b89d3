import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/**
 * Runs an ext_proc server entry in its own node process, so its CPU is not shared with the load
 * generator's event loop and its RSS is its own. The entry prints `READY <port>` once it serves.
 */

export interface ServerProcess {
  name: string;
  pid: number;
  port: number;
  /** Resident set size from /proc, in bytes; undefined once the process is gone. */
  rssBytes(): number | undefined;
  /** Log lines the server wrote (stdout besides READY, and stderr), and the last few of them. */
  logSummary(): { lines: number; last: string[] };
  /** Stops the server; resolves with the JSON it printed as `STATS <json>` on the way out, if any. */
  stop(): Promise<string | undefined>;
}

const LIVE_LOG_LINES = 10;
const KEPT_LOG_LINES = 10;

export function readRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Waits for "close" rather than "exit", so the last stdout lines (STATS) have been read. */
function waitForClose(closed: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    closed.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export function spawnServer(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  readyTimeoutMs: number,
  nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", entry], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let lines = 0;
  const last: string[] = [];
  let stats: string | undefined;
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const onLog = (line: string): void => {
    lines += 1;
    last.push(line);
    if (last.length > KEPT_LOG_LINES) last.shift();
    // The first lines are shown live (start-up problems); the rest only counted, so a chatty
    // server cannot flood the report.
    if (lines <= LIVE_LOG_LINES) process.stderr.write(`[${name}] ${line}\n`);
  };
  createInterface({ input: child.stderr }).on("line", onLog);

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} (${entry}) did not print READY within ${readyTimeoutMs} ms`));
    }, readyTimeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${name} (${entry}) exited before READY (code ${code}, signal ${signal}); see its log above`,
        ),
      );
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith("STATS ")) {
        stats = line.slice("STATS ".length);
        return;
      }
      const ready = /^READY (\d+)$/.exec(line);
      if (!ready?.[1] || child.pid === undefined) return onLog(line);
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const pid = child.pid;
      resolve({
        name,
        pid,
        port: Number(ready[1]),
        rssBytes: () => readRssBytes(pid),
        logSummary: () => ({ lines, last: [...last] }),
        stop: async () => {
          child.kill("SIGTERM");
          if (!(await waitForClose(closed, 15_000))) {
            child.kill("SIGKILL");
            await waitForClose(closed, 5_000);
          }
          return stats;
        },
      });
    });
  });
}
