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
}

/** A custom rule from the policy data, compiled: its detector, or why it was refused. */
export type CompiledRule =
  | { detector: Detector; error?: undefined }
  | { detector?: undefined; error: string };
