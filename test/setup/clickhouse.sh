#!/usr/bin/env bash
# Installs (Debian's clickhouse-server, the release CI runs) and starts a private ClickHouse for the
# gateway's tests and local demo, entirely under a state directory so it never touches a system
# instance. Idempotent: a server already answering on the port is left alone.
#
#   bash test/setup/clickhouse.sh start <http_port> <state_dir>   # prints http://127.0.0.1:<port>
#   bash test/setup/clickhouse.sh stop <state_dir>
set -euo pipefail

die() {
  echo "clickhouse.sh: $*" >&2
  exit 1
}

usage() {
  die "usage: $0 start <http_port> <state_dir> | stop <state_dir>"
}

ping_ok() {
  [ "$(curl -s --max-time 2 "http://127.0.0.1:$1/ping" 2>/dev/null || true)" = "Ok." ]
}

port_free() {
  # bash's /dev/tcp connect fails when nothing listens, which is what "free" means here.
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

find_server_binary() {
  command -v clickhouse-server 2>/dev/null || { [ -x /usr/sbin/clickhouse-server ] && echo /usr/sbin/clickhouse-server; } || true
}

ensure_installed() {
  local bin
  bin="$(find_server_binary)"
  if [ -n "$bin" ]; then
    echo "$bin"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    die "clickhouse-server is not installed and we are not root; install it with: sudo apt-get install -y clickhouse-server"
  fi
  # Only Debian's package: CI pins the old release it ships, and tests must match CI.
  local stamp=/var/lib/apt/periodic/gateway-clickhouse-apt-updated
  if [ ! -e "$stamp" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update >&2
    mkdir -p "$(dirname "$stamp")" && touch "$stamp"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y clickhouse-server >&2
  bin="$(find_server_binary)"
  [ -n "$bin" ] || die "clickhouse-server still missing after apt-get install"
  echo "$bin"
}

write_config() {
  local state="$1" http_port="$2" tcp_port="$3"
  cat >"$state/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$state/log/clickhouse-server.log</log>
    <errorlog>$state/log/clickhouse-server.err.log</errorlog>
    <size>10M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http_port</http_port>
  <tcp_port>$tcp_port</tcp_port>
  <max_connections>256</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>50</max_concurrent_queries>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <mark_cache_size>67108864</mark_cache_size>
  <path>$state/data/</path>
  <tmp_path>$state/tmp/</tmp_path>
  <user_files_path>$state/user_files/</user_files_path>
  <format_schema_path>$state/format_schemas/</format_schema_path>
  <users_config>$state/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
</yandex>
EOF
  cat >"$state/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>2000000000</max_memory_usage>
      <use_uncompressed_cache>0</use_uncompressed_cache>
      <load_balancing>random</load_balancing>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks replace="replace">
        <ip>127.0.0.1</ip>
        <ip>::1</ip>
      </networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
EOF
}

pick_tcp_port() {
  local candidate=$(($1 + 1))
  local tries=0
  while ! port_free "$candidate"; do
    tries=$((tries + 1))
    [ "$tries" -lt 50 ] || die "no free TCP port found near $(($1 + 1))"
    candidate=$((candidate + 1))
  done
  echo "$candidate"
}

cmd_start() {
  [ $# -eq 2 ] || usage
  local http_port="$1" state_dir="$2"
  [[ "$http_port" =~ ^[0-9]+$ ]] || die "http_port must be a number, got '$http_port'"
  local url="http://127.0.0.1:$http_port"

  if ping_ok "$http_port"; then
    echo "$url"
    return
  fi
  port_free "$http_port" || die "port $http_port is in use by something that is not ClickHouse"

  local bin
  bin="$(ensure_installed)"

  mkdir -p "$state_dir"
  local state
  state="$(cd "$state_dir" && pwd -P)"
  mkdir -p "$state/data" "$state/tmp" "$state/user_files" "$state/format_schemas" "$state/log"

  local pid_file="$state/clickhouse-server.pid"
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    # A server from this state dir is alive on another port (or still starting): two servers on
    # one data path would corrupt it, so refuse instead of guessing.
    die "a server from $state is already running (pid $(cat "$pid_file")) but does not answer on port $http_port; run: $0 stop $state"
  fi
  rm -f "$pid_file"

  write_config "$state" "$http_port" "$(pick_tcp_port "$http_port")"

  # setsid+nohup detach the server from this shell so it outlives the caller (tests, CI steps);
  # its console output goes to a file because the logger config only covers its own log.
  setsid nohup "$bin" --config-file="$state/config.xml" >"$state/log/stdout.log" 2>&1 </dev/null &
  echo $! >"$pid_file"

  local waited=0
  until ping_ok "$http_port"; do
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      tail -n 20 "$state/log/stdout.log" "$state/log/clickhouse-server.err.log" >&2 2>/dev/null || true
      die "clickhouse-server exited during start-up (logs in $state/log)"
    fi
    [ "$waited" -lt 300 ] || die "clickhouse-server did not answer /ping within 30 s (logs in $state/log)"
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "$url"
}

cmd_stop() {
  [ $# -eq 1 ] || usage
  local pid_file="$1/clickhouse-server.pid"
  [ -f "$pid_file" ] || return 0
  local pid
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 300 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pid_file"
}

[ $# -ge 1 ] || usage
command="$1"
shift
case "$command" in
start) cmd_start "$@" ;;
stop) cmd_stop "$@" ;;
*) usage ;;
esac
