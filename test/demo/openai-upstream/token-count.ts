/** A rough tokenizer stand-in: about four characters per token, like OpenAI's rule of thumb. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Cuts an answer to a max_tokens budget; `cut` tells the caller to report finish_reason "length". */
export function truncateToTokens(
  text: string,
  maxTokens: number | null | undefined,
): { text: string; cut: boolean } {
  if (maxTokens === null || maxTokens === undefined || countTokens(text) <= maxTokens)
    return { text, cut: false };
  return { text: text.slice(0, maxTokens * 4), cut: true };
}
