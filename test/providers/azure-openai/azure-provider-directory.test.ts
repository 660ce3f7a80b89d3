import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildProviderDirectory } from "../../../extproc/src/pipeline/provider-directory.ts";

describe("azure-openai providers in the bundle data", () => {
  it("load with their api_version", () => {
    const directory = buildProviderDirectory({
      azure: { hosting: "external", api: "azure-openai", api_version: "2024-10-21", note: "x" },
      openai: { api: "openai" },
    });
    assert.deepEqual(directory.get("azure"), {
      hosting: "external",
      api: "azure-openai",
      api_version: "2024-10-21",
    });
    assert.deepEqual(directory.get("openai"), { hosting: "external", api: "openai" });
  });

  it("stop the bundle from loading without api_version", () => {
    assert.throws(
      () => buildProviderDirectory({ azure: { hosting: "external", api: "azure-openai" } }),
      /azure\.api_version.*needs api_version/,
    );
  });

  it("stop the bundle from loading with an api_version that is not a dated version", () => {
    for (const version of ["", "latest", "2024-10-21&x=1", "v1"]) {
      assert.throws(
        () => buildProviderDirectory({ azure: { api: "azure-openai", api_version: version } }),
        /api_version/,
        JSON.stringify(version),
      );
    }
    assert.equal(
      buildProviderDirectory({ azure: { api: "azure-openai", api_version: "2025-01-01-preview" } }).get(
        "azure",
      )?.api_version,
      "2025-01-01-preview",
    );
  });

  it("ship in the policy data the gateway loads", async () => {
    const { readFileSync } = await import("node:fs");
    const data = JSON.parse(readFileSync("policies/data.json", "utf8")) as {
      gateway: { providers: unknown; models: Record<string, { provider: string; provider_model: string }> };
    };
    assert.equal(buildProviderDirectory(data.gateway.providers).get("azure")?.api, "azure-openai");
    assert.deepEqual(data.gateway.models["gpt-4o-azure"], {
      ...data.gateway.models["gpt-4o-azure"],
      provider: "azure",
      provider_model: "gpt-4o",
    });
  });
});
