#!/bin/sh
# Listens on the port of the node's own address (API.md 2.1), on all interfaces.
set -e
address="${SOCKET_ADDRESS:-${ADDRESS:-}}"
port="${address##*:}"
[ -n "$address" ] || port=8090
export CAUSALKV_PORT="$port"
exec java -jar "$JETTY_HOME/start.jar" jetty.http.port="$port" "$@"
