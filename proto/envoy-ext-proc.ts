import { createRequire } from "node:module";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { ProtoGrpcType } from "./generated/external_processor.ts";

/**
 * Envoy's API protos come from the pinned @grpc/grpc-js-xds package, which ships Envoy's
 * data-plane API under deps/ (see proto/README.md). Nothing upstream is copied into this repo.
 */
const require = createRequire(import.meta.url);
const xdsPackageRoot = path.dirname(require.resolve("@grpc/grpc-js-xds/package.json"));

export const ENVOY_PROTO_INCLUDE_DIRS: readonly string[] = [
  "deps/envoy-api",
  "deps/xds",
  "deps/googleapis",
  "deps/protoc-gen-validate",
].map((dir) => path.join(xdsPackageRoot, dir));

/** Options shared by every loader of the Envoy protos, matching proto/generate-types.sh. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [...ENVOY_PROTO_INCLUDE_DIRS],
};

let loaded: ProtoGrpcType | undefined;

/**
 * Loads envoy.service.ext_proc.v3 as a grpc-js package definition (used by server and clients).
 * Parsed once per process: the protos are hundreds of files, and every server, client and
 * harness of a test run asks for the same definition.
 */
export function loadExtProcPackage(): ProtoGrpcType {
  loaded ??= grpc.loadPackageDefinition(
    protoLoader.loadSync("envoy/service/ext_proc/v3/external_processor.proto", PROTO_LOADER_OPTIONS),
  ) as unknown as ProtoGrpcType;
  return loaded;
}
