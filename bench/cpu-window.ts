import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/**
 * CPU spent by the server (from /proc, all its threads) and by the load generator itself over a
 * measured window, so the report can show server cost per request and that the client is not the
 * bottleneck.
 */

let clockTicksPerSecond: number | undefined;

function ticksPerSecond(): number {
  clockTicksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return clockTicksPerSecond;
}

/** utime + stime of a process in ms, summed over its threads; undefined once it is gone. */
export function readProcessCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses; fields after it are plain.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of the whole line, i.e. 12 and 13 after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / ticksPerSecond() : undefined;
}

export interface CpuWindow {
  wallMs: number;
  serverCpuMs: number | undefined;
  clientCpuMs: number;
}

/** Starts a window now; the returned function closes it and reports what each side spent. */
export function openCpuWindow(serverPid: number): () => CpuWindow {
  const wallStart = performance.now();
  const serverStart = readProcessCpuMs(serverPid);
  const clientStart = process.cpuUsage();
  return () => {
    const client = process.cpuUsage(clientStart);
    const serverEnd = readProcessCpuMs(serverPid);
    return {
      wallMs: performance.now() - wallStart,
      serverCpuMs: serverStart === undefined || serverEnd === undefined ? undefined : serverEnd - serverStart,
      clientCpuMs: (client.user + client.system) / 1000,
    };
  };
}
