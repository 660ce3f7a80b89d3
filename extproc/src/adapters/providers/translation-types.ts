/**
 * Provider-neutral translation contracts shared by every provider adapter
 * (Anthropic, Gemini, ...). Pure data: no ext_proc or pipeline types, so the
 * adapters stay testable without Envoy and the pipeline decides how to apply them.
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
}
