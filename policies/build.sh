#!/usr/bin/env bash
# Checks, tests and builds the gateway's policy bundle (Wasm) at policies/build/bundle.tar.gz.
#   bash policies/build.sh              fmt + check + test + build
#   bash policies/build.sh --check-only fmt + check + test, no bundle
set -euo pipefail

usage() { echo "usage: bash policies/build.sh [--check-only]" >&2; }
fail() {
  echo "policies/build.sh: $*" >&2
  exit 1
}

check_only=false
case "${1:-}" in
  "") ;;
  --check-only) check_only=true ;;
  -h | --help) usage; exit 0 ;;
  *) usage; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

policy_dir="policies/gateway"
data_file="policies/data.json"
out_dir="policies/build"
bundle="${out_dir}/bundle.tar.gz"
entrypoint="gateway/decision"
wasm_capabilities_src="node_modules/@open-policy-agent/opa-wasm/capabilities.json"

OPA="$(bash test/setup/install-opa.sh)" || fail "could not install the pinned OPA CLI"
command -v node >/dev/null 2>&1 || fail "node is required to prepare the Wasm capabilities file"
[[ -f "$wasm_capabilities_src" ]] || fail "${wasm_capabilities_src} is missing; run npm ci first"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The npm Wasm SDK ships the list of builtins it can run; checking the policy against it turns a
# builtin the gateway cannot evaluate into a build error instead of a runtime deny. The SDK's file
# predates Rego v1, so the parser features come from this OPA.
capabilities="${work}/capabilities.json"
"$OPA" capabilities --current >"${work}/opa-capabilities.json"
node -e '
  const fs = require("node:fs");
  const [sdkPath, opaPath, outPath] = process.argv.slice(1);
  const sdk = JSON.parse(fs.readFileSync(sdkPath, "utf8"));
  const opa = JSON.parse(fs.readFileSync(opaPath, "utf8"));
  const merged = { ...sdk, features: opa.features ?? [], future_keywords: opa.future_keywords ?? [] };
  fs.writeFileSync(outPath, JSON.stringify(merged));
' "$wasm_capabilities_src" "${work}/opa-capabilities.json" "$capabilities" || fail "could not prepare capabilities"

echo "policies: opa fmt" >&2
"$OPA" fmt --fail -l policies/ >&2 || fail "unformatted Rego above; run: ${OPA} fmt -w policies/"

echo "policies: opa check --strict" >&2
# The input schema is generated from the processor's own type (npm run policy-schemas): checking
# against it catches a rule that reads an input field the processor never sends.
"$OPA" check --strict --schema policies/input.schema.json "$policy_dir" "$data_file" >&2 || fail "opa check failed"
"$OPA" check --strict --capabilities "$capabilities" --ignore '*_test.rego' "$policy_dir" "$data_file" >&2 ||
  fail "the policy uses something the Wasm SDK (@open-policy-agent/opa-wasm) cannot evaluate"

echo "policies: opa test" >&2
"$OPA" test "$policy_dir" "$data_file" >&2 || fail "opa test failed"

if [[ "$check_only" == true ]]; then
  exit 0
fi

# The revision names the exact content that goes into the bundle (paths and bytes), so the audit
# rows of two gateways agree on which policy decided iff they ran the same policy.
mapfile -t inputs < <(
  {
    find "$policy_dir" -type f -name '*.rego' ! -name '*_test.rego'
    printf '%s\n' "$data_file"
  } | LC_ALL=C sort
)
revision="sha256:$(sha256sum "${inputs[@]}" | sha256sum | cut -c1-12)"

mkdir -p "$out_dir"
staged="${work}/bundle.tar.gz"
echo "policies: opa build -t wasm (revision ${revision})" >&2
"$OPA" build -t wasm -e "$entrypoint" --capabilities "$capabilities" --ignore '*_test.rego' \
  --revision "$revision" -o "$staged" "$policy_dir" "$data_file" >&2 || fail "opa build failed"

listing="$(tar -tzf "$staged" 2>/dev/null)" || fail "opa build wrote an unreadable bundle"
if grep -q '_test\.rego$' <<<"$listing"; then
  fail "test files leaked into the bundle"
fi
grep -qx '/policy.wasm' <<<"$listing" || fail "the bundle has no /policy.wasm"
grep -qx '/data.json' <<<"$listing" || fail "the bundle has no /data.json"

# The gateway polls this file: a rename within one directory means it never reads a half-written bundle.
tmp_target="$(mktemp "${out_dir}/.bundle.XXXXXX")"
trap 'rm -rf "$work" "$tmp_target"' EXIT
cp "$staged" "$tmp_target"
chmod 644 "$tmp_target"
mv -f "$tmp_target" "$bundle"
echo "policies: wrote ${bundle} (revision ${revision})" >&2
