import { createHmac } from "node:crypto";
import type { TextMatch } from "./detectors/types.ts";

export type PiiAction = "allow" | "redact" | "hash" | "block";

/**
 * What each detected entity becomes, for one request. `redact` numbers entities per type in order
 * of first appearance, so the same value is always `[EMAIL_1]` and a second person is `[EMAIL_2]`:
 * the model can still tell them apart. `hash` is a keyed HMAC pseudonym, stable across requests
 * (same value, same key, same pseudonym) without revealing the value. Both are remembered so the
 * answer can be restored; the mapping lives only as long as this object, i.e. one request.
 */
export class PiiReplacements {
  private readonly numbered = new Map<string, string>();
  private readonly perTypeCount = new Map<string, number>();
  private readonly originals = new Map<string, string>();
  private requestDone = false;
  private readonly applied = new Map<string, number>();

  constructor(
    private readonly actions: ReadonlyMap<string, PiiAction>,
    private readonly hmacKey: Buffer | undefined,
    /** For types the table does not name, such as a type first seen in the answer. */
    private readonly defaultAction: PiiAction = "redact",
    /**
     * The request's own text: a placeholder it already holds (a caller may type `[EMAIL_1]`) is
     * skipped, so two different things never read the same to the model or restore the same.
     */
    private readonly occupiedText = "",
  ) {}

  actionFor(type: string): PiiAction {
    return this.actions.get(type) ?? this.defaultAction;
  }

  replacementFor(match: TextMatch, value: string): string | undefined {
    const action = this.actionFor(match.type);
    if (action === "allow") return undefined;
    // `block` never reaches here for requests (they are refused); in model output it redacts.
    // Without a configured key a pseudonym cannot be stable, so `hash` falls back to `redact`.
    const effective: PiiAction = action === "hash" && this.hmacKey ? "hash" : "redact";
    const token =
      effective === "hash" ? this.pseudonym(match.type, value) : this.placeholder(match.type, value);
    // Only the request's own values come back on restore; an entity the model wrote stays redacted.
    if (!this.requestDone) this.originals.set(token, value);
    const key = `${match.type}\u0000${effective}`;
    this.applied.set(key, (this.applied.get(key) ?? 0) + 1);
    return token;
  }

  /** From here on replacements are for the model's answer: they are not restorable. */
  endRequest(): void {
    this.requestDone = true;
  }

  /** Placeholder → original value, for putting values back into the answer the caller receives. */
  get restore(): ReadonlyMap<string, string> {
    return this.originals;
  }

  /** How many entities of each type got each action. */
  appliedCounts(): { type: string; action: PiiAction; count: number }[] {
    return [...this.applied].map(([key, count]) => {
      const [type = "", action = "redact"] = key.split("\u0000");
      return { type, action: action as PiiAction, count };
    });
  }

  private placeholder(type: string, value: string): string {
    const key = `${type}\u0000${value}`;
    const known = this.numbered.get(key);
    if (known) return known;
    let n = this.perTypeCount.get(type) ?? 0;
    let token: string;
    do {
      n += 1;
      token = `[${type}_${n}]`;
    } while (this.occupiedText.includes(token));
    this.perTypeCount.set(type, n);
    this.numbered.set(key, token);
    return token;
  }

  private pseudonym(type: string, value: string): string {
    const digest = createHmac("sha256", this.hmacKey as Buffer)
      .update(`${type}\u0000${value}`)
      .digest("hex");
    return `[${type}#${digest.slice(0, 12)}]`;
  }
}
