import { z } from "zod";
import { PROVIDER_APIS, type ProviderInfo } from "./provider-translation.ts";

/**
 * Azure OpenAI's dated versions, e.g. `2024-10-21` or `2025-01-01-preview`. Checked here because
 * the value goes into every request's query string: a typo should stop the bundle, not each call.
 */
const AZURE_API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** Providers as the bundle's data describes them (`gateway.providers`). */
const ProviderEntry = z
  .looseObject({
    hosting: z.enum(["external", "self_hosted"]).default("external"),
    api: z.enum(PROVIDER_APIS).default("openai"),
    api_version: z.string().regex(AZURE_API_VERSION, "api_version must look like 2024-10-21").optional(),
  })
  .refine((entry) => entry.api !== "azure-openai" || entry.api_version !== undefined, {
    message: "an azure-openai provider needs api_version (e.g. 2024-10-21)",
    path: ["api_version"],
  });

export type ProviderDirectory = ReadonlyMap<string, ProviderInfo>;

/** Throws on malformed data, so a bundle with a broken provider table does not load. */
export function buildProviderDirectory(data: unknown): ProviderDirectory {
  const parsed = z.record(z.string(), ProviderEntry).safeParse(data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` (${issue.path.join(".")})` : "";
    throw new Error(`gateway.providers in the bundle data is invalid${where}: ${issue?.message}`);
  }
  return new Map(
    Object.entries(parsed.data).map(([name, entry]): [string, ProviderInfo] => [
      name,
      {
        hosting: entry.hosting,
        api: entry.api,
        ...(entry.api_version === undefined ? {} : { api_version: entry.api_version }),
      },
    ]),
  );
}
