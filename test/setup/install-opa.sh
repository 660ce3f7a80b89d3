#!/usr/bin/env bash
# Makes the pinned OPA CLI available and prints its absolute path as the only line on stdout, so
# callers can write OPA="$(bash test/setup/install-opa.sh)". Anything else goes to stderr.
set -euo pipefail

OPA_VERSION="1.22.3"
OPA_MODULE="github.com/open-policy-agent/opa@v${OPA_VERSION}"

is_pinned_opa() {
  [[ -n "$1" && -x "$1" ]] && "$1" version 2>/dev/null | grep -qx "Version: ${OPA_VERSION}"
}

go_bin_dir() {
  local gobin gopath
  gobin="$(go env GOBIN)"
  if [[ -n "$gobin" ]]; then
    printf '%s\n' "$gobin"
    return
  fi
  gopath="$(go env GOPATH)"
  # GOPATH may be a list; go install writes to the first entry.
  printf '%s/bin\n' "${gopath%%:*}"
}

on_path="$(command -v opa || true)"
if is_pinned_opa "$on_path"; then
  realpath "$on_path"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-opa: OPA ${OPA_VERSION} not found and Go is not installed (needed for go install ${OPA_MODULE})" >&2
  exit 1
fi

candidate="$(go_bin_dir)/opa"
if is_pinned_opa "$candidate"; then
  realpath "$candidate"
  exit 0
fi

# go install is chatty on stderr even when it succeeds; show its output only when it fails.
if ! log="$(go install "$OPA_MODULE" 2>&1)"; then
  printf '%s\n' "$log" >&2
  echo "install-opa: go install ${OPA_MODULE} failed" >&2
  exit 1
fi
if ! is_pinned_opa "$candidate"; then
  echo "install-opa: installed ${OPA_MODULE} but ${candidate} does not report version ${OPA_VERSION}" >&2
  exit 1
fi
echo "install-opa: installed OPA ${OPA_VERSION} at ${candidate}" >&2
realpath "$candidate"
