#!/bin/sh
# Entry point of the assistant's image: every NAME_FILE variable (a Docker secret's path) becomes
# NAME, read from that file, then the command runs. Secrets thus never appear in compose.yml, in
# `docker inspect` or in the image; the application keeps reading plain environment variables.
#
#   BACKEND_SERVICE_TOKEN_FILE=/run/secrets/backend_service_token  ->  BACKEND_SERVICE_TOKEN=<file>
set -eu

for name in $(env | sed -n 's/^\([A-Z][A-Z0-9_]*\)_FILE=.*$/\1/p'); do
    file=$(printenv "${name}_FILE")
    if [ ! -r "$file" ]; then
        echo "docker-entrypoint: ${name}_FILE points to $file, which cannot be read" >&2
        exit 1
    fi
    value=$(cat "$file")
    if [ -z "$value" ]; then
        echo "docker-entrypoint: $file (${name}_FILE) is empty" >&2
        exit 1
    fi
    export "$name=$value"
    unset "${name}_FILE"
done

exec "$@"
