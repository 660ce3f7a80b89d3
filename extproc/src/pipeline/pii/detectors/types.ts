/** One detected entity: only its type and UTF-16 offsets, never the matched value. */
export interface TextMatch {
  readonly type: string;
  /** UTF-16 offset of the first code unit. */
  readonly start: number;
  /** UTF-16 offset one past the last code unit. */
  readonly end: number;
}

export interface Detector {
  /** Entity type, e.g. "EMAIL". */
  readonly type: string;
  /** Longest text a match can span; a stream scanner holds back at most this many chars. */
  readonly maxMatchLength: number;
  /** Matches sorted by start, non-overlapping within one detector. */
  detect(text: string): TextMatch[];
  /**
   * Optional, for a detector whose matches can be far longer than the others' (a JWT may run to
   * 16 KiB): a fresh tracker for one text that arrives in pieces. A stream scanner then holds back
   * from where the tracker says a match may still be open, instead of the last `maxMatchLength`
   * characters of every run of characters a match could be made of.
   */
  openMatches?(): OpenMatchTracker;
}

/**
 * Follows one text that arrives in pieces and tells where a match of its detector could begin
 * that more text may still make, lengthen or end. It may name a start that never becomes a match
 * (holding back more is safe), never miss one that could.
 */
export interface OpenMatchTracker {
  /**
   * Reads the next piece (in order, each once). Returns the offset, counted from the first
   * character of the first piece, of the earliest such start, or -1 when there is none.
   */
  push(piece: string): number;
}

/** A custom rule from the policy data, compiled: its detector, or why it was refused. */
export type CompiledRule =
  | { detector: Detector; error?: undefined }
  | { detector?: undefined; error: string };
