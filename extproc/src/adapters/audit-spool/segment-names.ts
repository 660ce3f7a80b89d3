import { readdir } from "node:fs/promises";

const segmentPattern = /^spool-(\d{13})-(\d{6})\.jsonl$/;

export function segmentName(nowMs: number, seq: number): string {
  const time = String(nowMs).padStart(13, "0");
  return `spool-${time}-${String(seq % 1_000_000).padStart(6, "0")}.jsonl`;
}

/** The segments in `dir`, oldest first. */
export async function listSegments(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => segmentPattern.test(name));
  return names.sort();
}

/** Where the lines of `segment` that failed to parse or validate are moved aside. */
export function rejectedName(segment: string): string {
  return `rejected-${segment}`;
}
