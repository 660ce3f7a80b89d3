/**
 * A provider's bytes, read the way the gateway reads a caller's body: bytes that are not UTF-8 are
 * refused rather than turned into U+FFFD, so what the caller gets (and what the answer's PII scan
 * sees) is what the provider wrote or an error, never a silently altered text.
 */

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Whole UTF-8 text (a JSON body, one complete stream event), or undefined for invalid bytes. */
export function decodeProviderText(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export type ProviderJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

export function parseProviderJson(body: Buffer): ProviderJson {
  const text = decodeProviderText(body);
  if (text === undefined) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
