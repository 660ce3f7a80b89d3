import type { ServerResponse } from "node:http";

/**
 * Resolves once the chunk has been handed to the socket (or the connection closed), so each
 * streamed event leaves as its own write and clients see events arrive one by one.
 */
export function writeChunk(res: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("close", done);
      setImmediate(resolve);
    };
    res.once("close", done);
    res.write(text, done);
  });
}
