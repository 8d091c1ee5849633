# shellcheck shell=bash
# Shell functions shared by the project's scripts (scripts/bench; scripts/test
# may source it too): they install and start what the integration tests and
# the benchmarks need, the same way for both. Source it after `set -euo
# pipefail` and `cd` to the repository root.
#
#   lib_init          make "$work", a temporary directory, and on exit stop
#                     every process recorded in "pids" and remove "$work"
#   lib_ensure_tools  install redis-server and redis-cli from Debian's
#                     packages when missing (the Redis tests and benchmarks
#                     start their own servers on free loopback ports)
#   lib_start_mongo   build and start tools/mongotestserver on a free
#                     loopback port and export CACHETOOLZ_TEST_MONGO_URI,
#                     unless it is already set or the tool does not exist yet
#   lib_step TEXT     print a section heading

pids=()
work=""

lib_step() { printf '\n== %s\n' "$*"; }

lib_cleanup() {
	local pid
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	[ -z "$work" ] || rm -rf "$work"
}

lib_init() {
	export PATH="$(go env GOPATH)/bin:$PATH"
	work=$(mktemp -d)
	trap lib_cleanup EXIT
}

lib_ensure_tools() {
	if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
		echo "installing redis-server from Debian's packages"
		local as_root=""
		[ "$(id -u)" = 0 ] || as_root="sudo"
		$as_root apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq redis-server >/dev/null
	fi
	redis-server --version
}

lib_start_mongo() {
	if [ -n "${CACHETOOLZ_TEST_MONGO_URI:-}" ]; then
		echo "using CACHETOOLZ_TEST_MONGO_URI=$CACHETOOLZ_TEST_MONGO_URI"
		return 0
	fi
	if [ ! -f tools/mongotestserver/main.go ]; then
		echo "tools/mongotestserver does not exist yet: no MongoDB-wire server"
		return 0
	fi
	(cd tools/mongotestserver && go build -o "$work/mongotestserver" .)
	"$work/mongotestserver" -listen 127.0.0.1:0 -dir "$work/mongo" -addr-file "$work/mongo.addr" >"$work/mongo.log" 2>&1 &
	pids+=($!)
	local _
	for _ in $(seq 1 300); do
		[ -s "$work/mongo.addr" ] && break
		kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/mongo.log"; return 1; }
		sleep 0.1
	done
	[ -s "$work/mongo.addr" ] || { echo "mongotestserver did not start"; cat "$work/mongo.log"; return 1; }
	export CACHETOOLZ_TEST_MONGO_URI="mongodb://$(cat "$work/mongo.addr")/"
	echo "serving on $CACHETOOLZ_TEST_MONGO_URI"
}
