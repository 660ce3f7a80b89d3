import type { HeaderEntry } from "../protocol/http-exchange.ts";
import type { ApiKind } from "./policy-input.ts";
import type { ParsedJsonBody } from "./strict-json.ts";

/**
 * Provider-neutral translation contracts: what a provider adapter (OpenAI-compatible, Anthropic,
 * Gemini) offers the per-attempt pipeline. Pure data: the adapters stay testable without Envoy,
 * and the pipeline decides how to apply them.
 */

/** The upstream request an adapter builds. Headers exclude credentials: they are injected elsewhere. */
export interface ProviderRequest {
  readonly method: "POST";
  readonly path: string;
  /** Includes content-type and any API version headers the provider requires. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Why a caller's request cannot be expressed for a provider, e.g. 422 unsupported_feature "n > 1 is not supported by anthropic". */
export interface TranslationFailure {
  readonly status: 400 | 422;
  readonly code: string;
  readonly message: string;
  readonly param: string | null;
}

export type Translated<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: TranslationFailure };

export interface TokenUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

export interface TranslatedResponse {
  readonly status: number;
  /** OpenAI-shaped body (chat.completion or error). */
  readonly body: Buffer;
  readonly usage: TokenUsage | undefined;
}

/** Translates a provider's event stream into OpenAI chat.completion.chunk SSE, chunk by chunk. */
export interface StreamTranslator {
  push(chunk: Buffer): Buffer;
  end(): Buffer;
  usage(): TokenUsage | undefined;
  /** The error code of the error event the stream ended with (the provider's, or a cut), if any. */
  failure(): string | undefined;
}

/** The wire API a provider speaks; data.gateway.providers names it per provider. */
export const PROVIDER_APIS = ["openai", "anthropic", "gemini", "azure-openai"] as const;
export type ProviderApi = (typeof PROVIDER_APIS)[number];

/** One provider as the bundle's data describes it (`gateway.providers`), checked on load. */
export interface ProviderInfo {
  readonly hosting: "external" | "self_hosted";
  readonly api: ProviderApi;
  /**
   * The `api-version` query parameter for APIs that version by query (Azure OpenAI). It lives in
   * the policy data, not the code: a deployment moves to a new version without a new gateway.
   */
  readonly api_version?: string;
}

export interface ProviderAdapter {
  /**
   * Builds the provider's request from the caller's request to `api`: an OpenAI-style request
   * translated, or the provider's own native API passed through with the provider's model.
   * `provider` carries what the policy data says about the provider (e.g. Azure's api-version).
   */
  translateRequest(
    api: ApiKind,
    body: ParsedJsonBody,
    model: string,
    provider: ProviderInfo,
  ): Translated<ProviderRequest>;
  /**
   * Whether answers to a request of `api` need translating to the caller's shape: false for
   * OpenAI-compatible providers and for a provider's own native front (the caller speaks its API).
   */
  translatesAnswers(api: ApiKind): boolean;
  /**
   * Owned headers the caller of `api` sets itself and this provider must read as sent (the
   * anthropic-version of a native Anthropic request); every other owned header is cleared.
   */
  callerHeaders(api: ApiKind): readonly string[];
  translateAnswer(status: number, body: Buffer, model: string): TranslatedResponse;
  streamTranslator(model: string, includeUsage: boolean): StreamTranslator;
  /**
   * Whether an error answer says the provider refused the gateway's key where its status does not
   * say so (401 and 403 always do): Gemini answers a wrong key with 400 and reason API_KEY_INVALID.
   */
  refusesGatewayKey(status: number, body: Buffer): boolean;
  /** The headers that carry the provider key. */
  credentialHeaders(key: string): HeaderEntry[];
  /**
   * Every header name this adapter may set (credentials, API version): Envoy shares one request
   * header map across retry attempts, so an attempt removes what an earlier attempt to another
   * provider set (never send one provider's key to another).
   */
  readonly ownedHeaders: readonly string[];
}
