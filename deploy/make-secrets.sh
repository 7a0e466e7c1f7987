#!/usr/bin/env bash
# Creates the secret files that deploy/compose.yml mounts, each with a fresh random value.
# Run once per environment, on the Docker host, as root:
#
#     deploy/make-secrets.sh /srv/assistant/secrets
#
# An existing file is kept (rotating a secret: see docs/deployment.md). Values are hex, so they
# can stand in a URL without escaping. The folder is 0700 (root only); the files are 0444 because
# the containers read them under different users (10001, postgres, redis): only the containers
# that list a secret in compose.yml get it mounted.
set -euo pipefail
DIR=${1:-/srv/assistant/secrets}
umask 077
mkdir -p "$DIR"
chmod 0700 "$DIR"

random() { openssl rand -hex 32; }

write() {
    if [[ -e "$DIR/$1" ]]; then
        echo "kept    $DIR/$1"
    else
        printf '%s' "$2" > "$DIR/$1"
        chmod 0444 "$DIR/$1"
        echo "created $DIR/$1"
    fi
}

write backend_service_token "$(random)"
write backend_staff_token "$(random)"
write postgres_password "$(random)"
write tracker_store_url "postgresql://rasa:$(random)@postgres:5432/rasa"
write saisine_store_url "postgresql://backend:$(random)@postgres:5432/saisines"
write outbox_url "postgresql://outbox:$(random)@postgres:5432/outbox"
write redis_password "$(random)"
redis_password=$(cat "$DIR/redis_password")
write lock_store_url "redis://:${redis_password}@redis:6379/0"
write rate_limit_storage_url "redis://:${redis_password}@redis:6379/1"
# Only used if the Rasa HTTP API is ever enabled (it is not: see compose.yml).
write rasa_jwt_secret "$(random)"
