import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import pino from "pino";
import { PolicyStore } from "../../extproc/src/adapters/opa/policy-store.ts";
import { rebundle } from "../support/rebundle.ts";

const shipped = () => readFileSync("policies/build/bundle.tar.gz");

function bundleFile(content: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "gateway-policy-store-")), "bundle.tar.gz");
  writeFileSync(file, content);
  return file;
}

describe("policy store", () => {
  it("runs overlapping reloads one after another, so the newest bundle is the one left serving", async () => {
    const file = bundleFile(shipped());
    const store = await PolicyStore.open(file, 0, pino({ level: "silent" }));
    const second = await rebundle(shipped(), "rev-2", () => {});
    const third = await rebundle(shipped(), "rev-3", () => {});

    writeFileSync(file, second);
    const first = store.reloadIfChanged();
    // Written while the first load may still run: the call made now must look at the file again.
    writeFileSync(file, third);
    const results = await Promise.all([first, store.reloadIfChanged()]);
    assert.ok(results.includes(true));
    assert.equal(store.current().revision, "rev-3");
    assert.equal(await store.reloadIfChanged(), false, "an unchanged file is not loaded again");
    store.close();
  });

  it("refuses to start on a bundle that does not load, naming the file", async () => {
    const file = bundleFile(gzipSync(Buffer.from("not a tar")));
    await assert.rejects(
      PolicyStore.open(file, 0, pino({ level: "silent" })),
      /policy bundle at .* does not load/,
    );
  });

  it("refuses a bundle that inflates beyond what a bundle can be, instead of unpacking it", async () => {
    const file = bundleFile(shipped());
    const store = await PolicyStore.open(file, 0, pino({ level: "silent" }));
    const revision = store.current().revision;
    writeFileSync(file, gzipSync(Buffer.alloc(300 << 20)));
    assert.equal(await store.reloadIfChanged(), false);
    assert.equal(store.current().revision, revision);
    store.close();
  });
});
