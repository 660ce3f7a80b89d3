import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadProviderKeys } from "../../extproc/src/provider-adapters.ts";

describe("provider keys read at start", () => {
  const dir = mkdtempSync(join(tmpdir(), "gateway-keys-"));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it("reads a value and a mounted secret file, without its trailing newline", () => {
    const keys = loadProviderKeys([
      { provider: "openai", value: "sk-value" },
      { provider: "anthropic", file: file("anthropic", "sk-ant-file\n") },
    ]);
    assert.equal(keys.get("openai"), "sk-value");
    assert.equal(keys.get("anthropic"), "sk-ant-file");
  });

  it("stops the gateway on a key file that is missing", () => {
    assert.throws(
      () => loadProviderKeys([{ provider: "gemini", file: join(dir, "absent") }]),
      /cannot read the key file for provider 'gemini'/,
    );
  });

  it("stops the gateway on a key file that holds no key or more than one line", () => {
    for (const content of ["", "\n  \n", "sk-one\nsk-two\n"]) {
      assert.throws(
        () => loadProviderKeys([{ provider: "gemini", file: file("gemini", content) }]),
        /the key of provider 'gemini' is empty or not a single line/,
        JSON.stringify(content),
      );
    }
  });
});
