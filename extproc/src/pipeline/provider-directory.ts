import { z } from "zod";
import type { ProviderApi } from "./provider-translation.ts";

/** Providers as the bundle's data describes them (`gateway.providers`). */
const ProviderEntry = z.looseObject({
  hosting: z.enum(["external", "self_hosted"]).default("external"),
  api: z.enum(["openai", "anthropic", "gemini"]).default("openai"),
});

export interface ProviderInfo {
  readonly hosting: "external" | "self_hosted";
  readonly api: ProviderApi;
}

export type ProviderDirectory = ReadonlyMap<string, ProviderInfo>;

/** Throws on malformed data, so a bundle with a broken provider table does not load. */
export function buildProviderDirectory(data: unknown): ProviderDirectory {
  const parsed = z.record(z.string(), ProviderEntry).safeParse(data ?? {});
  if (!parsed.success) {
    throw new Error(`gateway.providers in the bundle data is invalid: ${parsed.error.issues[0]?.message}`);
  }
  return new Map(
    Object.entries(parsed.data).map(([name, entry]) => [name, { hosting: entry.hosting, api: entry.api }]),
  );
}
