import { z } from "zod";
import { parseProviderJson } from "../provider-json.ts";

/** Google's answer to a wrong API key: 400 INVALID_ARGUMENT with an ErrorInfo whose reason is API_KEY_INVALID. */
const KeyInvalidError = z.object({
  error: z.object({ details: z.array(z.unknown()) }),
});

export function isApiKeyInvalid(body: Buffer): boolean {
  const json = parseProviderJson(body);
  if (!json.ok) return false;
  const parsed = KeyInvalidError.safeParse(json.value);
  return (
    parsed.success &&
    parsed.data.error.details.some(
      (detail) =>
        typeof detail === "object" &&
        detail !== null &&
        (detail as { reason?: unknown }).reason === "API_KEY_INVALID",
    )
  );
}
