import { readFile, stat } from "node:fs/promises";
import type { Logger } from "pino";
import type { PolicySnapshot, PolicySource } from "../../pipeline/ports.ts";
import { loadOpaWasmPolicy } from "./opa-wasm-policy.ts";
import { readPolicyBundle } from "./policy-bundle.ts";

/**
 * Holds the running policy and swaps in a new bundle when its file changes. A bundle that fails to
 * load at start stops the gateway (no policy, no traffic); one that fails on reload is logged and
 * the last good bundle keeps serving.
 */
export class PolicyStore implements PolicySource {
  private timer: NodeJS.Timeout | undefined;
  private fileStamp = "";
  private reloading: Promise<boolean> | undefined;

  private constructor(
    private snapshot: PolicySnapshot,
    private readonly path: string,
    private readonly logger: Logger,
  ) {}

  static async open(path: string, pollMs: number, logger: Logger): Promise<PolicyStore> {
    const stamp = await fileStamp(path).catch((error: Error) => {
      throw new Error(`cannot read the policy bundle at ${path}: ${error.message}`);
    });
    const snapshot = await loadBundleFile(path).catch((error: Error) => {
      throw new Error(`the policy bundle at ${path} does not load: ${error.message}`);
    });
    const store = new PolicyStore(snapshot, path, logger);
    store.fileStamp = stamp;
    logger.info({ revision: snapshot.revision, path }, "policy bundle loaded");
    if (pollMs > 0) {
      store.timer = setInterval(() => {
        if (!store.reloading) void store.reloadIfChanged();
      }, pollMs);
      store.timer.unref();
    }
    return store;
  }

  current(): PolicySnapshot {
    return this.snapshot;
  }

  /** Loads the bundle again if its file changed; resolves whether a new bundle is now serving. */
  reloadIfChanged(): Promise<boolean> {
    // One load at a time: a load slower than the poll interval must not run beside the next one,
    // which could finish first and then be overwritten by the older bundle. A call made during a
    // load checks the file again after it, as the file may have changed since that load read it.
    const next = (this.reloading ?? Promise.resolve(false)).then(() => this.reload());
    this.reloading = next;
    void next.finally(() => {
      if (this.reloading === next) this.reloading = undefined;
    });
    return next;
  }

  private async reload(): Promise<boolean> {
    let stamp: string;
    try {
      stamp = await fileStamp(this.path);
    } catch (error) {
      this.logger.error({ err: error, path: this.path }, "policy bundle unreadable; keeping the current one");
      return false;
    }
    if (stamp === this.fileStamp) return false;
    this.fileStamp = stamp;
    try {
      this.snapshot = await loadBundleFile(this.path);
      this.logger.info({ revision: this.snapshot.revision }, "policy bundle reloaded");
      return true;
    } catch (error) {
      this.logger.error(
        { err: error, keptRevision: this.snapshot.revision },
        "new policy bundle failed to load; keeping the last good one",
      );
      return false;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

async function fileStamp(path: string): Promise<string> {
  const info = await stat(path);
  return `${info.mtimeMs}:${info.size}:${info.ino}`;
}

async function loadBundleFile(path: string): Promise<PolicySnapshot> {
  return loadOpaWasmPolicy(await readPolicyBundle(await readFile(path)));
}
