#!/usr/bin/env bash
# deps.sh installs what building, testing and regenerating grpcio-go need on
# a Debian bookworm machine, and only what is missing: it is safe to run any
# number of times and takes well under a second when everything is there.
#
#   apt packages  libgrpc-dev pkg-config protobuf-compiler python3-grpcio
#                 python3-grpc-tools grpc-proto gcc make
#                 (installed as root, or with sudo otherwise)
#   Go tools      protoc-gen-go, at PROTOC_GEN_GO_VERSION, into $(go env GOPATH)/bin
#
# Go itself is expected at /usr/local/go (or on PATH).
set -euo pipefail

APT_PACKAGES=(libgrpc-dev pkg-config protobuf-compiler python3-grpcio python3-grpc-tools grpc-proto gcc make)
PROTOC_GEN_GO_VERSION=v1.36.12

export PATH="/usr/local/go/bin:$PATH"

say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

# --- apt packages ---------------------------------------------------------
missing=()
installed="$(dpkg-query -W -f='${Package} ${Status}\n' "${APT_PACKAGES[@]}" 2>/dev/null || true)"
for pkg in "${APT_PACKAGES[@]}"; do
  if ! grep -qx "$pkg install ok installed" <<<"$installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} == 0)); then
  say "apt packages present: ${APT_PACKAGES[*]}"
else
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null; then
    sudo=(sudo)
  else
    die "missing apt packages (${missing[*]}), and not root and no sudo to install them"
  fi
  say "installing apt packages: ${missing[*]}"
  say "running: ${sudo[*]:+${sudo[*]} }apt-get update"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  say "running: ${sudo[*]:+${sudo[*]} }apt-get install -y --no-install-recommends ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- Go tools -------------------------------------------------------------
command -v go >/dev/null || die "go not found on PATH or in /usr/local/go/bin: install Go 1.24 or newer (https://go.dev/doc/install)"
gobin="$(go env GOPATH)"
gobin="${gobin%%:*}/bin"
have=""
if [[ -x $gobin/protoc-gen-go ]]; then
  have="$("$gobin/protoc-gen-go" --version 2>/dev/null || true)"
fi
if [[ $have == "protoc-gen-go $PROTOC_GEN_GO_VERSION" ]]; then
  say "Go tools present: protoc-gen-go $PROTOC_GEN_GO_VERSION in $gobin"
else
  say "installing Go tool: protoc-gen-go@$PROTOC_GEN_GO_VERSION into $gobin${have:+ (found ${have#protoc-gen-go })}"
  GOBIN="$gobin" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO_VERSION"
fi
