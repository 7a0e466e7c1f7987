#!/usr/bin/env bash
# Checks deploy/nginx with the local nginx (`nginx -t`), without Docker: renders the template as the
# official image does (envsubst), points the container host names at 127.0.0.1, uses a throw-away
# self-signed certificate. Needs nginx and envsubst (Debian: apt-get install nginx gettext-base).
#
#     deploy/check_nginx.sh
#
# Debian 12's nginx (1.22) predates `http2 on;` (1.25.1) and upstream `server … resolve` (1.27.3):
# for an older nginx the check rewrites the first to the old `listen … http2` form and drops the
# second. Nothing is started; the temporary folder is deleted.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$WORK/conf.d" "$WORK/assistant" "$WORK/tls" "$WORK/logs"
cp "$HERE"/nginx/assistant/*.conf "$WORK/assistant/"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=assistant.example.fr" \
    -keyout "$WORK/tls/privkey.pem" -out "$WORK/tls/fullchain.pem" 2>/dev/null

SERVER_NAME=assistant.example.fr PUBLIC_ORIGIN=https://assistant.example.fr \
    envsubst '${SERVER_NAME} ${PUBLIC_ORIGIN}' \
    < "$HERE/nginx/templates/assistant.conf.template" > "$WORK/conf.d/assistant.conf"

version=$(nginx -v 2>&1 | sed -n 's#.*nginx/\([0-9.]*\).*#\1#p')
old_nginx() { [ "$(printf '%s\n1.25.1\n' "$version" | sort -V | head -1)" != "1.25.1" ]; }
sed -i -e 's/\b\(web\|rasa-1\|rasa-2\|actions-1\|actions-2\):/127.0.0.1:/' \
       -e 's/172\.30\.0\.10:5055/127.0.0.1:5055/' \
       -e "s#/etc/nginx/assistant/#$WORK/assistant/#g" \
       -e "s#/etc/nginx/tls/#$WORK/tls/#g" "$WORK/conf.d/assistant.conf"
if old_nginx; then
    sed -i -e '/^\s*http2 on;/d' -e 's/listen 443 ssl;/listen 443 ssl http2;/' "$WORK/conf.d/assistant.conf"
fi
if [ "$(printf '%s\n1.27.3\n' "$version" | sort -V | head -1)" != "1.27.3" ]; then
    # `server … resolve` in an upstream is open source from nginx 1.27.3 on.
    sed -i -e 's/ resolve max_fails/ max_fails/' "$WORK/conf.d/assistant.conf"
fi
sed -e "s#/etc/nginx/conf.d/#$WORK/conf.d/#" -e "s#/tmp/nginx#$WORK/nginx#" \
    -e "s#^user nginx;#user $(id -un);#" -e "s#^pid .*#pid $WORK/nginx.pid;#" \
    "$HERE/nginx/nginx.conf" > "$WORK/nginx.conf"
# Debian's nginx.conf includes mime.types from /etc/nginx as the image does.
nginx -t -q -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/logs/error.log" && echo "nginx $version: configuration OK"
