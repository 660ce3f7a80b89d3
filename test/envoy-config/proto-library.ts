import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import protobuf from "protobufjs";

/**
 * One protobuf Root that loads a message's .proto file on first use. Loading every Envoy proto up
 * front is both slower and brittle: the API snapshot carries v2 leftovers and files whose imports it
 * does not ship, and one failed load poisons the Root. The index maps every message's full name to
 * its file, from a cheap scan of package and message declarations.
 */
export interface ProtoLibrary {
  readonly root: protobuf.Root;
  /** Loads the file (and its imports) that defines a message; null when no file defines it. */
  resolveType(fullName: string): protobuf.Type | null;
  /** Loads a .proto file by its import path, e.g. "envoy/config/bootstrap/v3/bootstrap.proto". */
  load(file: string): void;
}

export function openProtoLibrary(includeDirs: readonly string[]): ProtoLibrary {
  const require = createRequire(import.meta.url);
  // protobufjs ships google/protobuf/descriptor.proto, which the annotation protos import.
  const searchDirs = [...includeDirs, path.dirname(require.resolve("protobufjs/package.json"))];
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    if (path.isAbsolute(target)) return target;
    for (const dir of searchDirs) {
      const candidate = path.join(dir, target);
      if (fs.existsSync(candidate)) return candidate;
    }
    return target;
  };
  const index = indexMessages(includeDirs);
  const load = (file: string): void => {
    root.loadSync(file, { keepCase: true });
    root.resolveAll();
  };
  const resolveType = (fullName: string): protobuf.Type | null => {
    const name = fullName.replace(/^\./, "");
    const loaded = lookupType(root, name);
    if (loaded) return loaded;
    const file = index.get(name);
    if (!file) return null;
    load(file);
    return lookupType(root, name);
  };
  return { root, resolveType, load };
}

/** A message type already loaded into the root; null when absent or not a message. */
export function lookupType(root: protobuf.Root, fullName: string): protobuf.Type | null {
  const found = root.lookup(fullName.startsWith(".") ? fullName : `.${fullName}`);
  return found instanceof protobuf.Type ? found : null;
}

function indexMessages(includeDirs: readonly string[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const dir of includeDirs) {
    for (const file of listProtoFiles(dir)) {
      const relative = path.relative(dir, file).split(path.sep).join("/");
      for (const name of declaredMessages(fs.readFileSync(file, "utf8"))) {
        if (!index.has(name)) index.set(name, relative);
      }
    }
  }
  return index;
}

function listProtoFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((entry) => entry.endsWith(".proto"))
    .map((entry) => path.join(dir, entry));
}

/** Full names of every message in a .proto source, nested ones included. */
export function declaredMessages(source: string): string[] {
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/\/\/[^\n]*/g, " ")
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const pkg = /\bpackage\s+([\w.]+)\s*;/.exec(code)?.[1];
  const scope: (string | null)[] = pkg ? [pkg] : [];
  const names: string[] = [];
  const tokens = code.matchAll(/\bmessage\s+(\w+)\s*\{|\{|\}/g);
  for (const token of tokens) {
    if (token[0] === "}") scope.pop();
    else if (token[1]) {
      scope.push(token[1]);
      names.push(scope.filter((part): part is string => part !== null).join("."));
    } else scope.push(null);
  }
  return names;
}
