/**
 * Bounds what all open streams may hold at once: the number of streams, and the body bytes waiting
 * in memory for an answer. Past either bound a request is refused with 503 rather than letting the
 * process grow until it dies and fails every request at once.
 */
export class StreamAdmission {
  private openStreams = 0;
  private heldBytes = 0;

  constructor(
    private readonly maxStreams: number,
    private readonly maxHeldBytes: number,
  ) {}

  tryOpenStream(): boolean {
    if (this.openStreams >= this.maxStreams) return false;
    this.openStreams += 1;
    return true;
  }

  closeStream(): void {
    this.openStreams -= 1;
  }

  tryHoldBytes(bytes: number): boolean {
    if (this.heldBytes + bytes > this.maxHeldBytes) return false;
    this.heldBytes += bytes;
    return true;
  }

  releaseBytes(bytes: number): void {
    this.heldBytes -= bytes;
  }

  snapshot(): { openStreams: number; heldBytes: number } {
    return { openStreams: this.openStreams, heldBytes: this.heldBytes };
  }
}
