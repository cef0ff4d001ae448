#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite (Debian's `postgresql` package):
#   Scripts/postgres-test-server.sh start DIR    initdb + start; prints the URL (also in DIR/url)
#   Scripts/postgres-test-server.sh restart DIR  a fast restart on the same port (fault tests)
#   Scripts/postgres-test-server.sh stop DIR     stop (the folder is the caller's to remove)
# The cluster lives in DIR/data, owned by a non-root user (`postgres` when run as root), listens
# on 127.0.0.1 at a free port and on a Unix socket in DIR, and trusts local connections: a
# test server, never a deployment (Docs/Distributed.md has one).
set -euo pipefail
command=${1:?start, restart or stop}
dir=${2:?a folder for the cluster}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $command in
start)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir/data" -U hyperpower --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if command -v python3 >/dev/null 2>&1; then
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    else
        # No python3: a random high port that nothing listens on.
        while :; do
            port=$((20000 + RANDOM % 40000))
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
        done
    fi
    echo "$port" >"$dir/port"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://hyperpower@127.0.0.1:$port/postgres" | tee "$dir/url"
    ;;
restart)
    port=$(cat "$dir/port")
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" restart >/dev/null
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -w -m fast stop >/dev/null
    ;;
*)
    echo "unknown command $command (start, restart or stop)" >&2; exit 2
    ;;
esac
