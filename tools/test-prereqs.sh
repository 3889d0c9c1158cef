#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing:
#   flatbuffers-compiler  flatc 2.0.8, for the codegen agreement test
#   chromium              headless browser test of the client library
#   redis-server          test/bench (minimal RESP client against a real server), Redis Streams comparison
#   nats-server           NATS JetStream comparison (Debian installs it to /usr/sbin)
#   curl                  HTTP publish tests run the documented curl commands
#   prometheus            promtool, which checks the /metrics page in the metrics tests
# Idempotent and quick when everything is present. Needs root (or sudo) to install.
set -euo pipefail
need=()
command -v flatc >/dev/null 2>&1 || need+=(flatbuffers-compiler)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "test-prereqs: installing Debian packages: ${need[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "test-prereqs: not root and no sudo: install these Debian packages first: ${need[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "test-prereqs: installed ${need[*]}" >&2
