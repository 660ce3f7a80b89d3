import type { HeaderList } from "../protocol/http-exchange.ts";
import { fail, ok, type Result } from "./gateway-errors.ts";
import { hashApiKey, type KeyDirectory } from "./key-directory.ts";
import type { Principal } from "./policy-input.ts";

export interface IdentifiedCaller {
  readonly principal: Principal;
}

/**
 * Finds the caller's API key in `Authorization: Bearer <key>`, `x-api-key` or `x-goog-api-key`
 * (where the openai, @anthropic-ai/sdk and @google/genai SDKs put it). More than one distinct key
 * is refused rather than guessed at. A key in the URL (`?key=`) is never read: gemini-model-path.ts
 * refuses it.
 */
const KEY_HEADERS = new Set(["x-api-key", "x-goog-api-key"]);

export function identifyCaller(headers: HeaderList, keys: KeyDirectory): Result<IdentifiedCaller> {
  const presented = new Set<string>();
  for (const header of headers) {
    if (header.name === "authorization") {
      const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header.value);
      if (!match?.[1]) return fail("invalid_api_key", "the Authorization header must be 'Bearer <api key>'");
      presented.add(match[1]);
    } else if (KEY_HEADERS.has(header.name)) {
      const key = header.value.trim();
      if (key) presented.add(key);
    }
  }
  if (presented.size === 0) {
    return fail(
      "missing_api_key",
      "no API key: send 'Authorization: Bearer <api key>', 'x-api-key' or 'x-goog-api-key'",
    );
  }
  if (presented.size > 1) return fail("invalid_api_key", "more than one distinct API key was sent");
  const [key] = presented;
  const principal = key === undefined ? undefined : keys.get(hashApiKey(key));
  if (!principal) return fail("invalid_api_key", "the API key is not known to the gateway");
  return ok({ principal });
}
