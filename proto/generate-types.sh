#!/usr/bin/env bash
# Regenerates the TypeScript types of the ext_proc protocol from the Envoy API protos shipped by the
# pinned @grpc/grpc-js-xds package (see proto/README.md). The output in proto/generated/ is never
# edited by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
deps=node_modules/@grpc/grpc-js-xds/deps
rm -rf proto/generated
npx proto-loader-gen-types --keepCase --longs String --enums String --defaults --oneofs \
  --includeDirs "$deps/envoy-api" "$deps/xds" "$deps/googleapis" "$deps/protoc-gen-validate" \
  --grpcLib @grpc/grpc-js -O proto/generated \
  envoy/service/ext_proc/v3/external_processor.proto
# The generator writes extensionless relative imports; ESM resolution (NodeNext) wants the file's
# extension, so add it.
find proto/generated -name '*.ts' -exec sed -i -E "s#(from '\.{1,2}/[^']+)'#\1.ts'#" {} +
