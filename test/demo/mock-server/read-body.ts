import type { IncomingMessage } from "node:http";

/**
 * Reads the whole body but buffers no more than the limit, so a runaway client cannot exhaust
 * memory. An oversized body is handed over as `maxBytes + 1` zero bytes, so the provider's handler
 * can tell it was too large by its length and answer the provider's own "too large" error.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > maxBytes ? Buffer.alloc(maxBytes + 1) : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
