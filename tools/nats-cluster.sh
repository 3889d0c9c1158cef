#!/usr/bin/env bash
# A local cluster of 3 nats-servers with JetStream (sync_interval: always) on 127.0.0.1, free ports.
#
#   tools/nats-cluster.sh start [--size N] [--dir DIR] [--json]
#       installs the pinned nats-server when missing (tools/nats.sh), starts the servers detached, waits until
#       each answers /healthz, prints name, pid, client URL, monitor URL and log per server, and the URL list.
#       --json prints one line: {"dir":..,"clusterName":..,"urls":[..],"servers":[{"name","pid","url",..}]}
#   tools/nats-cluster.sh status --dir DIR [--json]    exit 1 unless every server is running and healthy
#   tools/nats-cluster.sh stop --dir DIR               TERM (KILL after 5 s) by the recorded pids; removes DIR
#
# Implemented in tools/nats-cluster.ts (the same module tests use); builds the project first when needed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ ! -f "$root/dist/tools/nats-cluster.js" ]; then
  echo "nats-cluster.sh: building (npm run build)" >&2
  (cd "$root" && npm run build --silent) >&2
fi
exec node "$root/dist/tools/nats-cluster.js" "$@"
