import type { LevelResult } from "./closed-loop.ts";

/** Turns bench figures into the readable table and the target verdicts printed at the end. */

export interface ServerRun {
  role: "floor" | "subject";
  name: string;
  entry: string;
  idleRssBytes: number | undefined;
  levels: Array<
    LevelResult & { rssMaxBytes: number | undefined; ratioToFloor: number | undefined } & LevelCpu
  >;
  logLines: number;
  /** What the server printed as `STATS <json>` when it stopped (the gateway's audit counters). */
  exitStats: unknown;
}

/** CPU over the measured window; shares are fractions of one core (2 = two cores busy). */
export interface LevelCpu {
  serverCpuUsPerRequest: number | undefined;
  serverCpuShare: number | undefined;
  clientCpuUsPerRequest: number | undefined;
  clientCpuShare: number;
}

export interface Targets {
  concurrency: number;
  minRatioToFloor: number;
  maxP99Ms: number;
}

export interface TargetVerdict {
  concurrency: number;
  ratioToFloor: number | undefined;
  ratioPass: boolean;
  p99Ms: number | undefined;
  p99Pass: boolean;
}

const mb = (bytes: number | undefined): string => (bytes === undefined ? "-" : (bytes / 2 ** 20).toFixed(1));
const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : "-");
const pct = (ratio: number | undefined): string =>
  ratio === undefined ? "-" : `${(ratio * 100).toFixed(0)}%`;

export function formatTable(runs: readonly ServerRun[]): string {
  const header = [
    "server",
    "conc",
    "req/s",
    "p50 ms",
    "p99 ms",
    "max ms",
    "errors",
    "vs floor",
    "server CPU µs/req",
    "server CPU",
    "client CPU",
    "RSS MB max",
  ];
  const rows = runs.flatMap((run) =>
    run.levels.map((level) => [
      `${run.role}: ${run.name}`,
      String(level.concurrency),
      level.rps.toFixed(0),
      ms(level.p50Ms),
      ms(level.p99Ms),
      ms(level.maxMs),
      String(level.errors),
      pct(level.ratioToFloor),
      level.serverCpuUsPerRequest === undefined ? "-" : level.serverCpuUsPerRequest.toFixed(0),
      pct(level.serverCpuShare),
      pct(level.clientCpuShare),
      mb(level.rssMaxBytes),
    ]),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function judgeTargets(subject: ServerRun, targets: Targets): TargetVerdict {
  const level = subject.levels.find((l) => l.concurrency === targets.concurrency);
  const ratio = level?.ratioToFloor;
  const p99 = level?.p99Ms;
  return {
    concurrency: targets.concurrency,
    ratioToFloor: ratio,
    ratioPass: ratio !== undefined && ratio >= targets.minRatioToFloor && level?.errors === 0,
    p99Ms: p99,
    p99Pass: p99 !== undefined && Number.isFinite(p99) && p99 < targets.maxP99Ms && level?.errors === 0,
  };
}

export function formatVerdict(verdict: TargetVerdict, targets: Targets, floor: ServerRun): string {
  const mark = (pass: boolean): string => (pass ? "PASS" : "FAIL");
  const floorP99 = floor.levels.find((l) => l.concurrency === targets.concurrency)?.p99Ms;
  if (verdict.ratioToFloor === undefined && verdict.p99Ms === undefined) {
    return `targets: concurrency ${targets.concurrency} was not measured (add it to --concurrency)`;
  }
  return [
    `targets at concurrency ${targets.concurrency}:`,
    `  throughput >= ${(targets.minRatioToFloor * 100).toFixed(0)}% of floor: ${pct(verdict.ratioToFloor)}  ${mark(verdict.ratioPass)}`,
    `  p99 < ${targets.maxP99Ms} ms: ${ms(verdict.p99Ms ?? Number.NaN)} ms  ${mark(verdict.p99Pass)}` +
      ` (floor p99 at the same concurrency: ${ms(floorP99 ?? Number.NaN)} ms)`,
  ].join("\n");
}

export function formatErrors(runs: readonly ServerRun[]): string[] {
  return runs.flatMap((run) =>
    run.levels
      .filter((level) => level.errors > 0)
      .map(
        (level) =>
          `errors (${run.role} ${run.name}, concurrency ${level.concurrency}): ${JSON.stringify(level.errorKinds)}` +
          ` e.g. ${level.errorExample ?? "?"}`,
      ),
  );
}
