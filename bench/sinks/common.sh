# Shared by run-kafka.sh and run-elasticsearch.sh: sourced, not run.
set -euo pipefail

ROOT=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
WORK="$ROOT/bench/work/sinks"
MVNW="$ROOT/mvnw"
QUICK=false
BUILD=true
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=true ;;
    --no-build) BUILD=false ;; # reuse the compiled classes of the root and the bench
    *) echo "usage: $0 [--quick] [--no-build]" >&2; exit 2 ;;
  esac
done
mkdir -p "$WORK"

log() { echo "[$(date +%H:%M:%S)] $*"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for_port PORT SECONDS PID: until something listens on 127.0.0.1:PORT, or fail if PID died
wait_for_port() {
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    kill -0 "$3" 2>/dev/null || { echo "process $3 died before listening on $1" >&2; return 1; }
    ((SECONDS < deadline)) || { echo "nothing listens on 127.0.0.1:$1 after $2 s" >&2; return 1; }
    sleep 0.2
  done
}

# stop_pid PID: TERM, then KILL after 30 s
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
}

# build_bench: nitelog and the bench, as bench/run builds them (bench/run passes its class path in
# BENCH_CLASSPATH and has built both already).
build_bench() {
  if [[ -n "${BENCH_CLASSPATH:-}" ]]; then
    BENCH_CP="$BENCH_CLASSPATH"
    return
  fi
  if $BUILD; then
    log "building nitelog and the bench"
    (cd "$ROOT" && "$MVNW" -B -q package -DskipTests)
    "$MVNW" -B -q -f "$ROOT/bench/pom.xml" package
  fi
  local jar
  jar=$(ls "$ROOT"/target/nitelog-*.jar | grep -v -- '-sources\|-tests' | head -1)
  BENCH_CP="$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/classpath.txt"):$jar:$ROOT/target/quarkus-app/lib/main/*"
}

# copy_libs POM DIR: the jars of a dependency-list pom, once
copy_libs() {
  if [[ ! -f "$2/.complete" ]]; then
    log "fetching $(basename "$(dirname "$1")") jars from Maven Central"
    rm -rf "$2"
    "$MVNW" -B -q -f "$1" dependency:copy-dependencies -DoutputDirectory="$2"
    touch "$2/.complete"
  fi
}

commit() {
  local sha
  sha=$(git -C "$ROOT" rev-parse HEAD)
  if [[ -n "$(git -C "$ROOT" status --porcelain -- src bench/src bench/pom.xml)" ]]; then sha="$sha-dirty"; fi
  echo "$sha"
}
