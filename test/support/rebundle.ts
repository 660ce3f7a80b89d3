import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { extract, pack } from "tar-stream";

/** Rewrites a built bundle's data.json and revision: a real bundle with a policy-data change. */
export async function rebundle(
  source: Buffer,
  revision: string,
  edit: (data: Record<string, unknown>) => void,
) {
  const entries: { name: string; body: Buffer }[] = [];
  const reader = extract();
  reader.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      entries.push({ name: header.name, body: Buffer.concat(chunks) });
      next();
    });
  });
  const finished = new Promise((resolve) => reader.on("finish", resolve));
  reader.end(gunzipSync(source));
  await finished;
  const writer = pack();
  for (const entry of entries) {
    let body = entry.body;
    if (entry.name.endsWith("data.json")) {
      const data = JSON.parse(body.toString()) as Record<string, unknown>;
      edit(data);
      body = Buffer.from(JSON.stringify(data));
    }
    if (entry.name.endsWith(".manifest")) {
      body = Buffer.from(JSON.stringify({ ...JSON.parse(body.toString()), revision }));
    }
    writer.entry({ name: entry.name }, body);
  }
  writer.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of writer) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

/** The bundle `npm test` and `npm start` build from policies/. */
export const SHIPPED_BUNDLE = "policies/build/bundle.tar.gz";

/**
 * Writes the shipped bundle with its policy data edited to a fresh temporary file and returns its
 * path: a test gateway started on it runs the real policy over different data.
 */
export async function writeEditedBundle(
  revision: string,
  edit: (data: Record<string, unknown>) => void,
): Promise<string> {
  const bundlePath = path.join(mkdtempSync(path.join(tmpdir(), `gateway-${revision}-`)), "bundle.tar.gz");
  writeFileSync(bundlePath, await rebundle(readFileSync(SHIPPED_BUNDLE), revision, edit));
  return bundlePath;
}
