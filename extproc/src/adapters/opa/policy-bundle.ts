import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";
import { z } from "zod";

/** The parts of an OPA bundle (`opa build -t wasm`) the gateway runs. */
export interface PolicyBundle {
  readonly wasm: Buffer;
  readonly data: Record<string, unknown>;
  readonly revision: string;
}

const Manifest = z.looseObject({ revision: z.string().default("") });
const JsonObject = z.record(z.string(), z.unknown());

/** Bundles are small; anything this large is not a policy bundle. */
const MAX_BUNDLE_ENTRY_BYTES = 64 << 20;
const MAX_BUNDLE_TAR_BYTES = 4 * MAX_BUNDLE_ENTRY_BYTES;

/**
 * Reads a bundle .tar.gz. Data files are merged at the path of their folder, as OPA does
 * (`/gateway/data.json` becomes `data.gateway`). Throws with a message naming what is wrong.
 */
export async function readPolicyBundle(tarGz: Buffer): Promise<PolicyBundle> {
  // Bounded like each entry, so a small file that inflates to gigabytes is refused, not unpacked.
  const files = await untar(gunzipSync(tarGz, { maxOutputLength: MAX_BUNDLE_TAR_BYTES }));
  const wasm = files.get("policy.wasm");
  if (!wasm) throw new Error("bundle has no policy.wasm (build it with `opa build -t wasm`)");
  const manifestFile = files.get(".manifest");
  const manifest = Manifest.parse(manifestFile ? JSON.parse(manifestFile.toString("utf8")) : {});

  const data: Record<string, unknown> = {};
  for (const [name, content] of files) {
    if (name !== "data.json" && !name.endsWith("/data.json")) continue;
    const parsed = JsonObject.safeParse(JSON.parse(content.toString("utf8")));
    if (!parsed.success) throw new Error(`bundle file ${name} is not a JSON object`);
    const folder = name.split("/").slice(0, -1);
    mergeAt(data, folder, parsed.data);
  }
  return { wasm, data, revision: manifest.revision };
}

async function untar(tar: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BUNDLE_ENTRY_BYTES) {
          reject(new Error(`bundle entry ${header.name} is larger than ${MAX_BUNDLE_ENTRY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on("end", () => {
        if (header.type === "file") files.set(header.name.replace(/^\/+/, ""), Buffer.concat(chunks));
        next();
      });
      stream.resume();
    });
    reader.on("finish", resolve);
    reader.on("error", reject);
  });
  Readable.from([tar]).pipe(reader);
  await done;
  return files;
}

function mergeAt(target: Record<string, unknown>, path: string[], value: Record<string, unknown>): void {
  let node = target;
  for (const segment of path) {
    const child = node[segment];
    if (typeof child === "object" && child !== null && !Array.isArray(child)) {
      node = child as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      node[segment] = created;
      node = created;
    }
  }
  Object.assign(node, value);
}
