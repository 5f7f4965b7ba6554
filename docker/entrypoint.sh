#!/bin/sh
# Listens on the port of the node's own address (API.md 2.1), on all interfaces, with the JVM
# options and the launch command the image's base holds (as bin/cluster runs a node).
set -e
address="${SOCKET_ADDRESS:-${ADDRESS:-}}"
port="${address##*:}"
[ -n "$address" ] || port=8090
export CAUSALKV_PORT="$port"
cd "$JETTY_BASE"
# shellcheck disable=SC2046 # server.args: the arguments start.jar resolved, no spaces in them
exec java @jvm.options @launch.args jetty.http.port="$port" $(cat server.args) "$@"
