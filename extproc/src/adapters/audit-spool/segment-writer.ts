import { type FileHandle, open, rm } from "node:fs/promises";
import { join } from "node:path";
import { segmentName } from "./segment-names.ts";

interface OpenSegment {
  name: string;
  handle: FileHandle;
  bytes: number;
  dirty: boolean;
}

/** The segment this process appends to; the first write after a close creates a new one. */
export class SegmentWriter {
  private segment: OpenSegment | null = null;
  private seq = 0;

  constructor(private readonly dir: string) {}

  get isOpen(): boolean {
    return this.segment !== null;
  }

  /** Bytes written to the open segment; 0 when none is open. */
  get bytes(): number {
    return this.segment?.bytes ?? 0;
  }

  /** Appends `text`, which is `bytes` long, and returns the segment's new size. */
  async write(text: string, bytes: number): Promise<number> {
    const segment = await this.openSegment();
    // appendFile, not write: write may stop short (a nearly full disk) and leave half a line.
    await segment.handle.appendFile(text);
    segment.bytes += bytes;
    segment.dirty = true;
    return segment.bytes;
  }

  async sync(): Promise<void> {
    if (!this.segment?.dirty) return;
    await this.segment.handle.sync();
    this.segment.dirty = false;
  }

  /** Closes the open segment and returns its name, or deletes it and returns undefined if it is empty. */
  async close(): Promise<string | undefined> {
    const segment = this.segment;
    this.segment = null;
    if (!segment) return undefined;
    await segment.handle.close();
    if (segment.bytes > 0) return segment.name;
    // An empty segment carries nothing to replay; leaving it would only clutter the directory.
    await rm(join(this.dir, segment.name), { force: true });
    return undefined;
  }

  private async openSegment(): Promise<OpenSegment> {
    if (this.segment) return this.segment;
    for (;;) {
      const name = segmentName(Date.now(), this.seq);
      this.seq += 1;
      try {
        // Exclusive create: a name another process already took is skipped, never appended to.
        const handle = await open(join(this.dir, name), "ax");
        this.segment = { name, handle, bytes: 0, dirty: false };
        return this.segment;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
  }
}
