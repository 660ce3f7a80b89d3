import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, describe, test } from "node:test";
import { type Logger, pino } from "pino";
import { z } from "zod";
import { openSpoolFile } from "../../extproc/src/adapters/audit-spool/spool-file.ts";

const itemSchema = z.object({ n: z.number() });
type Item = z.infer<typeof itemSchema>;

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gateway-spool-"));
  dirs.push(dir);
  return dir;
}

function capturingLogger(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const parsed = z.object({ msg: z.string() }).safeParse(JSON.parse(chunk.toString("utf8")));
      if (parsed.success) messages.push(parsed.data.msg);
      done();
    },
  });
  return { logger: pino({ level: "warn" }, stream), messages };
}

function items(from: number, count: number): Item[] {
  return Array.from({ length: count }, (_, i) => ({ n: from + i }));
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => /^spool-.*\.jsonl$/.test(name)).sort();
}

async function collectReplay(
  spool: { replay(store: (batch: Item[]) => Promise<void>, batchSize: number): Promise<unknown> },
  batchSize: number,
): Promise<Item[][]> {
  const batches: Item[][] = [];
  await spool.replay(async (batch) => {
    batches.push([...batch]);
  }, batchSize);
  return batches;
}

describe("audit spool file", () => {
  test("flush writes appended records to disk as JSON lines", async () => {
    const dir = await tempDir();
    const { logger } = capturingLogger();
    const spool = await openSpoolFile({ dir, schema: itemSchema, logger });
    for (const item of items(0, 3)) spool.append(item);
    await spool.flush();

    const [segment] = await segmentFiles(dir);
    assert.ok(segment, "one segment exists");
    assert.equal(await readFile(join(dir, segment), "utf8"), '{"n":0}\n{"n":1}\n{"n":2}\n');
    assert.equal(spool.stats().appended, 3);
    await spool.close();
  });

  test("a new process replays segments left by an earlier one, in order, then deletes them", async () => {
    const dir = await tempDir();
    const { logger } = capturingLogger();
    const first = await openSpoolFile({ dir, schema: itemSchema, logger });
    for (const item of items(0, 25)) first.append(item);
    await first.flush();
    // No close(): the first process "crashed" after its flush.

    const second = await openSpoolFile({ dir, schema: itemSchema, logger });
    assert.equal(second.hasData(), true);
    const batches = await collectReplay(second, 10);

    assert.deepEqual(
      batches.map((b) => b.length),
      [10, 10, 5],
    );
    assert.deepEqual(batches.flat(), items(0, 25));
    assert.equal(second.hasData(), false);
    assert.deepEqual(await readdir(dir), []);
    await second.close();
    // Only releases the file handle the "crashed" instance still held.
    await first.close();
  });

  test("a torn last line is skipped with a warning and the rest is delivered", async () => {
    const dir = await tempDir();
    const { logger, messages } = capturingLogger();
    await writeFile(join(dir, "spool-0000000000001-000000.jsonl"), '{"n":1}\n{"n":2}\n{"n":');

    const spool = await openSpoolFile({ dir, schema: itemSchema, logger });
    const batches = await collectReplay(spool, 100);

    assert.deepEqual(batches.flat(), [{ n: 1 }, { n: 2 }]);
    assert.equal(spool.stats().torn, 1);
    assert.ok(messages.some((m) => m.includes("torn line")));
    assert.deepEqual(await segmentFiles(dir), []);
    await spool.close();
  });

  test("a complete last record missing only its newline is kept", async () => {
    const dir = await tempDir();
    const { logger } = capturingLogger();
    await writeFile(join(dir, "spool-0000000000001-000000.jsonl"), '{"n":1}\n{"n":2}');

    const spool = await openSpoolFile({ dir, schema: itemSchema, logger });
    assert.deepEqual((await collectReplay(spool, 100)).flat(), [{ n: 1 }, { n: 2 }]);
    assert.equal(spool.stats().torn, 0);
    await spool.close();
  });

  test("corrupt and invalid lines are moved aside and counted without blocking the others", async () => {
    const dir = await tempDir();
    const { logger } = capturingLogger();
    const name = "spool-0000000000001-000000.jsonl";
    await writeFile(join(dir, name), '{"n":1}\nnot json\n{"n":"two"}\n\n{"n":3}\n');

    const spool = await openSpoolFile({ dir, schema: itemSchema, logger });
    assert.deepEqual((await collectReplay(spool, 100)).flat(), [{ n: 1 }, { n: 3 }]);
    assert.equal(spool.stats().rejected, 2);
    assert.equal(await readFile(join(dir, `rejected-${name}`), "utf8"), 'not json\n{"n":"two"}\n');
    assert.deepEqual(await segmentFiles(dir), []);
    await spool.close();
  });

  test("invalid lines that cannot be moved aside are dropped, and the valid ones are stored once", async () => {
    const dir = await tempDir();
    const { logger, messages } = capturingLogger();
    const name = "spool-0000000000001-000000.jsonl";
    await writeFile(join(dir, name), '{"n":1}\nnot json\n{"n":2}\n');
    // A directory where the rejected file should go: writing it fails, as on a full disk.
    await mkdir(join(dir, `rejected-${name}`));

    const spool = await openSpoolFile({ dir, schema: itemSchema, logger });
    assert.deepEqual(await collectReplay(spool, 100), [[{ n: 1 }, { n: 2 }]]);
    assert.equal(spool.stats().rejected, 1);
    assert.ok(messages.some((m) => m.includes("could not keep its invalid lines aside")));
    assert.deepEqual(await segmentFiles(dir), []);
    assert.deepEqual(await collectReplay(spool, 100), [], "nothing is stored twice");
    await spool.close();
  });

  test("a segment deleted before its replay does not stop the segments after it", async () => {
    const dir = await tempDir();
    const { logger } = capturingLogger();
    await writeFile(join(dir, "spool-0000000000001-000000.jsonl"), '{"n":1}\n');
    await writeFile(join(dir, "spool-0000000000002-000000.jsonl"), '{"n":2}\n');

    const spool = await openSpoolFile({ dir, schema: itemSchema, logger });
    await rm(join(dir, "spool-0000000000001-000000.jsonl"));
    assert.deepEqual((await collectReplay(spool, 100)).flat(), [{ n: 2 }]);
    assert.equal(spool.hasData(), false);
    assert.deepEqual(await segmentFiles(dir), []);
    await spool.close();
  });

  test("segments rotate by size and replay delivers all of them in write order", async () => {
    const dir = await tempDir();
    const { logger } = capturingLogger();
    const spool = await openSpoolFile({ dir, schema: itemSchema, logger, maxSegmentBytes: 64 });
    for (let i = 0; i < 40; i += 1) {
      spool.append({ n: i });
      // Separate flushes give the writer separate writes, so rotation happens between them.
      if (i % 5 === 4) await spool.flush();
    }
    await spool.flush();
    assert.ok((await segmentFiles(dir)).length > 1, "more than one segment on disk");

    const batches = await collectReplay(spool, 7);
    assert.ok(batches.every((b) => b.length <= 7));
    assert.deepEqual(batches.flat(), items(0, 40));
    assert.deepEqual(await segmentFiles(dir), []);
    await spool.close();
  });

  test("a failed store keeps the segment and the next replay resumes after the stored batches", async () => {
    const dir = await tempDir();
    const { logger } = capturingLogger();
    const spool = await openSpoolFile({ dir, schema: itemSchema, logger });
    for (const item of items(0, 30)) spool.append(item);
    await spool.flush();

    const stored: Item[] = [];
    let calls = 0;
    await assert.rejects(
      spool.replay(async (batch) => {
        calls += 1;
        if (calls === 2) throw new Error("store unavailable");
        stored.push(...batch);
      }, 10),
      /store unavailable/,
    );
    assert.deepEqual(stored, items(0, 10));
    assert.equal((await segmentFiles(dir)).length, 1);

    await spool.replay(async (batch) => {
      stored.push(...batch);
    }, 10);
    assert.deepEqual(stored, items(0, 30), "each record stored exactly once");
    assert.deepEqual(await readdir(dir), []);
    await spool.close();
  });

  test("a restarted process resumes a half-replayed segment from its checkpoint", async () => {
    const dir = await tempDir();
    const { logger } = capturingLogger();
    const first = await openSpoolFile({ dir, schema: itemSchema, logger });
    for (const item of items(0, 20)) first.append(item);
    await first.flush();
    let calls = 0;
    await assert.rejects(
      first.replay(async () => {
        calls += 1;
        if (calls === 2) throw new Error("crash");
      }, 10),
    );

    const second = await openSpoolFile({ dir, schema: itemSchema, logger });
    assert.deepEqual((await collectReplay(second, 10)).flat(), items(10, 10));
    await second.close();
    await first.close();
  });

  test("the same segment is not replayed twice in one process", async () => {
    const dir = await tempDir();
    const { logger } = capturingLogger();
    const spool = await openSpoolFile({ dir, schema: itemSchema, logger });
    for (const item of items(0, 5)) spool.append(item);

    const stored: Item[] = [];
    const store = async (batch: Item[]): Promise<void> => {
      stored.push(...batch);
    };
    await Promise.all([spool.replay(store, 2), spool.replay(store, 2)]);
    await spool.replay(store, 2);
    assert.deepEqual(stored, items(0, 5));
    assert.equal(spool.stats().replayed, 5);
    await spool.close();
  });

  test("records appended during a replay go to a new segment and are kept", async () => {
    const dir = await tempDir();
    const { logger } = capturingLogger();
    const spool = await openSpoolFile({ dir, schema: itemSchema, logger });
    for (const item of items(0, 3)) spool.append(item);

    const stored: Item[] = [];
    await spool.replay(async (batch) => {
      stored.push(...batch);
      spool.append({ n: 100 + stored.length });
    }, 1);
    assert.deepEqual(stored, items(0, 3));
    assert.equal(spool.hasData(), true);

    await spool.replay(async (batch) => {
      stored.push(...batch);
    }, 10);
    assert.deepEqual(stored.slice(3), [{ n: 101 }, { n: 102 }, { n: 103 }]);
    await spool.close();
    assert.deepEqual(await readdir(dir), []);
  });
});
