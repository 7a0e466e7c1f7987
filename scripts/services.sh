#!/usr/bin/env bash
# PostgreSQL and Redis on loopback for the scale, store and fault tests (`make scale`).
#
#   scripts/services.sh start   installs Debian's postgresql and redis-server when missing, starts
#                               both on 127.0.0.1 with throw-away data, prints the settings as
#                               KEY=VALUE lines on standard output (everything else on standard error)
#   scripts/services.sh stop    stops both and deletes their data
#   scripts/services.sh env     prints the URLs again
#   scripts/services.sh run CMD starts both, runs CMD with TEST_POSTGRES_URL and TEST_REDIS_URL
#                               exported, stops both whatever CMD's outcome, exits with CMD's status
#
# Ports: PG_PORT (55432) and REDIS_PORT (56379), away from the usual ones so a developer's own
# servers are never touched. Data lives in SERVICES_DIR (default /tmp/cpam-assistant-services):
# PostgreSQL refuses to run as root, so when run as root it runs as the `postgres` user that the
# Debian package creates, and that user must be able to reach the folder.
#
# Nothing this script prints is ever evaluated: `run` exports the settings itself, and every line of
# chatter (ours, apt-get's, initdb's) goes to standard error. A package's output once broke an
# `eval` here on a machine where the servers were not installed yet (tests/unit/test_services_script.py).
set -euo pipefail
PG_PORT=${PG_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
DIR=${SERVICES_DIR:-/tmp/cpam-assistant-services}
# Where Debian's postgresql package puts its servers (one folder per major version).
PG_ROOT=${PG_ROOT:-/usr/lib/postgresql}
PG_DATA="$DIR/postgres"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

pg_bin() {
  # The newest installed server (a machine may have the client only: no initdb there).
  local found
  found=$(ls -d "$PG_ROOT"/*/bin/initdb 2>/dev/null | sort -V | tail -1)
  [ -n "$found" ] && dirname "$found"
}

as_db_user() {
  # The Debian package's `postgres` user when we are root, ourselves otherwise.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_missing() {
  local packages=()
  [ -n "$(pg_bin)" ] || packages+=(postgresql)
  command -v redis-server >/dev/null || packages+=(redis-server)
  # initdb lists the system's locales ("no usable system locales were found" without them).
  [ -n "$(locale -a 2>/dev/null)" ] || packages+=(locales)
  [ ${#packages[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "Missing ${packages[*]} and apt-get is not available: install them by hand." >&2
    exit 1
  fi
  echo "==> Installing Debian's ${packages[*]} (tests on real engines)" >&2
  {
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
  } >&2
  if [ -z "$(pg_bin)" ] || ! command -v redis-server >/dev/null; then
    echo "apt-get ran but PostgreSQL or Redis is still missing: install postgresql and redis-server by hand." >&2
    exit 1
  fi
}

print_env() {
  echo "TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"
  echo "TEST_REDIS_URL=redis://127.0.0.1:${REDIS_PORT}/0"
}

# Installs when needed and starts both servers; writes nothing on standard output.
start_services() {
  install_missing
  local bin
  bin=$(pg_bin)
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    mkdir -p "$PG_DATA"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DATA"
    # Trust on loopback only: a throw-away test cluster that listens on 127.0.0.1 and nowhere else.
    as_db_user "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_db_user "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    as_db_user "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p ${PG_PORT} -c unix_socket_directories=$PG_DATA -c fsync=off -c max_connections=200" >/dev/null
  fi
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize yes \
      --dir "$DIR" --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log"
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "==> PostgreSQL on 127.0.0.1:${PG_PORT}, Redis on 127.0.0.1:${REDIS_PORT}" >&2
}

stop() {
  local bin
  bin=$(pg_bin || true)
  if [ -n "$bin" ] && [ -d "$PG_DATA" ]; then
    as_db_user "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$DIR"
}

run_with_services() {
  local status=0
  trap stop EXIT
  # Standard output too goes to standard error: only the command below writes on ours.
  start_services >&2
  export TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"
  export TEST_REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"
  "$@" || status=$?
  return $status
}

case "${1:-}" in
  start) start_services >&2; print_env ;;
  run) shift; run_with_services "$@" ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env|run CMD…" >&2; exit 2 ;;
esac
