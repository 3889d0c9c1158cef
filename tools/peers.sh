#!/usr/bin/env bash
# Starts and stops the peer servers the comparison benchmark measures ordo against:
#   nats-server with JetStream (file store under the run directory): the pinned release of tools/nats.sh
#   redis-server with appendonly yes, appendfsync everysec (no RDB snapshots)
# Both listen on 127.0.0.1 only, on free ports picked at start, with all data under one temp directory.
#
# Usage:
#   tools/peers.sh start [--json] [--dir DIR] [--nats-port N] [--redis-port N] [--only nats|redis]
#       installs missing Debian packages, starts the servers, waits until they answer, prints pids/ports,
#       records them in DIR/peers.env (DIR defaults to a fresh mktemp directory).
#       --json prints one line: {"dir":..,"nats":{"pid":..,"port":..},"redis":{"pid":..,"port":..}}
#   tools/peers.sh install             installs nats-server (tools/nats.sh) and redis-server (Debian package) when missing
#   tools/peers.sh stop --dir DIR      stops the servers recorded in DIR/peers.env, by pid, then removes DIR
#   tools/peers.sh stop PID...         stops the given pids (TERM, then KILL after 5 s)
set -euo pipefail

die() { echo "peers: $*" >&2; exit 1; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

install_missing() {
  bash "$here/nats.sh" install || die "could not install nats-server (tools/nats.sh install)"
  local need=()
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  [ ${#need[@]} -eq 0 ] && return 0
  echo "peers: installing Debian packages: ${need[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: run apt-get install -y ${need[*]}"
    sudo="sudo"
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# The kernel picks a free port for a throwaway listener; there is a small window before the server binds it,
# acceptable for a benchmark tool (a collision makes the wait below fail loudly, not silently).
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# NATS greets every connection with "INFO {...}"; Redis answers PING with "+PONG".
nats_answers() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1; head -c 4 <&3" 2>/dev/null | grep -q INFO; }
redis_answers() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1; printf 'PING\r\n' >&3; head -c 5 <&3" 2>/dev/null | grep -q PONG; }

wait_until() { # name pid check port
  local i
  for i in $(seq 1 100); do
    kill -0 "$2" 2>/dev/null || die "$1 (pid $2) exited during start-up; see its log under the run directory"
    if "$3" "$4"; then return 0; fi
    sleep 0.1
  done
  die "$1 did not answer on 127.0.0.1:$4 within 10 s"
}

stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

cmd_start() {
  local json=0 dir="" nport="" rport="" only=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --json) json=1 ;;
      --dir) dir=$2; shift ;;
      --nats-port) nport=$2; shift ;;
      --redis-port) rport=$2; shift ;;
      --only) only=$2; shift ;;
      *) die "unknown start option: $1" ;;
    esac
    shift
  done
  install_missing
  [ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/ordo-peers.XXXXXX")
  mkdir -p "$dir/nats" "$dir/redis"
  local npid=0 rpid=0
  if [ "$only" != "redis" ]; then
    [ -n "$nport" ] || nport=$(free_port)
    local nats_bin; nats_bin=$(bash "$here/nats.sh" path)
    setsid "$nats_bin" -js -sd "$dir/nats" -a 127.0.0.1 -p "$nport" >"$dir/nats.log" 2>&1 </dev/null &
    npid=$!
  fi
  if [ "$only" != "nats" ]; then
    [ -n "$rport" ] || rport=$(free_port)
    setsid redis-server --port "$rport" --bind 127.0.0.1 --appendonly yes --appendfsync everysec \
      --dir "$dir/redis" --save '' >"$dir/redis.log" 2>&1 </dev/null &
    rpid=$!
  fi
  printf 'NATS_PID=%s\nNATS_PORT=%s\nREDIS_PID=%s\nREDIS_PORT=%s\n' "$npid" "${nport:-0}" "$rpid" "${rport:-0}" >"$dir/peers.env"
  [ "$npid" -eq 0 ] || wait_until nats-server "$npid" nats_answers "$nport"
  [ "$rpid" -eq 0 ] || wait_until redis-server "$rpid" redis_answers "$rport"
  if [ "$json" -eq 1 ]; then
    printf '{"dir":"%s","nats":{"pid":%s,"port":%s},"redis":{"pid":%s,"port":%s}}\n' \
      "$dir" "$npid" "${nport:-0}" "$rpid" "${rport:-0}"
  else
    echo "dir=$dir"
    [ "$npid" -eq 0 ] || echo "nats-server pid=$npid port=$nport (JetStream store $dir/nats)"
    [ "$rpid" -eq 0 ] || echo "redis-server pid=$rpid port=$rport (appendonly, everysec, $dir/redis)"
    echo "stop with: $0 stop --dir $dir"
  fi
}

cmd_stop() {
  if [ "${1:-}" = "--dir" ]; then
    local dir=${2:?stop --dir needs a directory}
    [ -f "$dir/peers.env" ] || die "no peers.env in $dir"
    # shellcheck disable=SC1091
    . "$dir/peers.env"
    [ "$NATS_PID" -eq 0 ] || stop_pid "$NATS_PID"
    [ "$REDIS_PID" -eq 0 ] || stop_pid "$REDIS_PID"
    rm -rf -- "$dir"
    return 0
  fi
  [ $# -gt 0 ] || die "stop needs --dir DIR or pids"
  local p; for p in "$@"; do stop_pid "$p"; done
}

case "${1:-}" in
  install) install_missing; echo "peers: nats-server and redis-server are installed" >&2 ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  *) die "usage: $0 install | start [--json] [--dir DIR] [--nats-port N] [--redis-port N] [--only nats|redis] | stop --dir DIR | stop PID..." ;;
esac
