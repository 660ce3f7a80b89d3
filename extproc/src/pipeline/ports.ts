import type { KeyDirectory } from "./key-directory.ts";
import type { Detector } from "./pii/detectors/types.ts";
import type { PolicyInput } from "./policy-input.ts";
import type { ProviderDirectory } from "./provider-directory.ts";

/**
 * What the pipeline needs from the outside, as narrow interfaces: main.ts plugs in the OPA engine,
 * the real clock and random ids; tests plug in fixed ones.
 */
export interface PolicySnapshot {
  /** Bundle revision, recorded in every audit row. */
  readonly revision: string;
  readonly keys: KeyDirectory;
  /** Built-in PII and secret detectors plus the custom ones from the bundle's data. */
  readonly detectors: readonly Detector[];
  /** Providers from the bundle's data: which wire API each speaks. */
  readonly providers: ProviderDirectory;
  /** Raw evaluation result of gateway/decision; read with readPolicyDecision. */
  evaluate(input: PolicyInput): unknown;
}

export interface PolicySource {
  current(): PolicySnapshot;
}

export interface Clock {
  nowMs(): number;
}

export interface IdGenerator {
  newId(): string;
}
