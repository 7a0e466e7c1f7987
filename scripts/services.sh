#!/usr/bin/env bash
# PostgreSQL and Redis on loopback for the scale, store and fault tests (`make scale`).
#
#   scripts/services.sh start   installs Debian's postgresql and redis-server when missing, starts
#                               both on 127.0.0.1 with throw-away data, prints the URLs to export
#   scripts/services.sh stop    stops both and deletes their data
#   scripts/services.sh env     prints the URLs again
#   scripts/services.sh run CMD starts both, runs CMD with TEST_POSTGRES_URL and TEST_REDIS_URL
#                               exported, stops both whatever CMD's outcome, exits with CMD's status
#
# Ports: PG_PORT (55432) and REDIS_PORT (56379), away from the usual ones so a developer's own
# servers are never touched. Data lives in SERVICES_DIR (default /tmp/cpam-assistant-services):
# PostgreSQL refuses to run as root, so when run as root it runs as the `postgres` user that the
# Debian package creates, and that user must be able to reach the folder.
set -euo pipefail
PG_PORT=${PG_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
DIR=${SERVICES_DIR:-/tmp/cpam-assistant-services}
PG_DATA="$DIR/postgres"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

pg_bin() {
  # The newest installed server (a machine may have the client only: no initdb there).
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)
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
  [ ${#packages[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "Missing ${packages[*]} and apt-get is not available: install them by hand." >&2
    exit 1
  fi
  echo "==> Installing Debian's ${packages[*]} (tests on real engines)"
  $SUDO apt-get update -qq
  # The packages' own services are not used: policy-rc.d keeps them from starting at install.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
}

print_env() {
  echo "TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"
  echo "TEST_REDIS_URL=redis://127.0.0.1:${REDIS_PORT}/0"
}

start() {
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
  print_env
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
  eval "$(start | sed 's/^/export /')"
  "$@" || status=$?
  return $status
}

case "${1:-}" in
  start) start ;;
  run) shift; run_with_services "$@" ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env|run CMD…" >&2; exit 2 ;;
esac
