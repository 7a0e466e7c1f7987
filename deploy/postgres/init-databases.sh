#!/bin/bash
# Runs once, when the PostgreSQL data volume is empty (/docker-entrypoint-initdb.d of the official
# image): one database and one owner role per store, so that no process can read another's data.
#
#   rasa      Rasa's tracker store (conversations)           user rasa     <- tracker_store_url
#   saisines  the backend's MAS saisines and audit log        user backend  <- saisine_store_url
#   outbox    the action servers' and courier's outbox        user outbox   <- outbox_url
#
# Each role's password is read from the same secret file as the URL the application uses
# (postgresql://USER:PASSWORD@postgres:5432/DATABASE), so there is one place per credential.
# Passwords must be URL-safe as written (deploy/make-secrets.sh writes hex).
set -euo pipefail

create_store() {
    local url rest user password database
    url=$(cat "$1")
    rest=${url#*://}                                  # USER:PASSWORD@HOST:PORT/DATABASE?…
    user=${rest%%:*}
    password=${rest#*:}; password=${password%%@*}
    database=${rest##*/}; database=${database%%\?*}
    if [[ -z "$user" || -z "$password" || -z "$database" || "$password" == "$rest" ]]; then
        echo "init-databases: $1 is not postgresql://USER:PASSWORD@HOST:PORT/DATABASE" >&2
        exit 1
    fi
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
         -v role="$user" -v password="$password" -v database="$database" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
    echo "init-databases: database $database owned by $user"
}

create_store /run/secrets/tracker_store_url
create_store /run/secrets/saisine_store_url
create_store /run/secrets/outbox_url
