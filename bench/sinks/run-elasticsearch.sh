#!/usr/bin/env bash
# Issue #5: documents/s of nitelog's Elasticsearch sink vs curl posting the same NDJSON in the same
# batches, both into the same local engine (OpenSearch 2.19.6 from Maven Central, single node on
# 127.0.0.1). Writes bench/results/elasticsearch.json.
# Usage: bench/sinks/run-elasticsearch.sh [--quick] [--no-build]
source "$(dirname "$0")/common.sh"

# an even number of runs: each side goes first equally often
if $QUICK; then RECORDS=30000; WARMUPS=1; RUNS=6; else RECORDS=200000; WARMUPS=1; RUNS=8; fi

command -v curl >/dev/null || { log "installing curl"; apt-get install -y curl >/dev/null; }
build_bench
copy_libs "$ROOT/bench/sinks/opensearch/pom.xml" "$WORK/opensearch-libs"

HOME_DIR="$WORK/opensearch"
rm -rf "$HOME_DIR"; mkdir -p "$HOME_DIR"
PORT=$(free_port)
log "starting OpenSearch 2.19.6 on 127.0.0.1:$PORT"
java -Xms1g -Xmx1g -Dopensearch.set.netty.runtime.available.processors=false \
  -cp "$WORK/opensearch-libs/*" "$ROOT/bench/sinks/opensearch/OpenSearchMain.java" "$HOME_DIR" "$PORT" \
  >"$WORK/opensearch.log" 2>&1 &
ENGINE_PID=$!
trap 'stop_pid $ENGINE_PID; rm -rf "$HOME_DIR"' EXIT
wait_for_port "$PORT" 180 "$ENGINE_PID"

log "running the bench ($RECORDS records, $WARMUPS warm-up + $RUNS runs); $(curl --version | head -1 | cut -d' ' -f1-2)"
java -Xms2g -Xmx2g -Djava.util.logging.manager=org.jboss.logmanager.LogManager ${BENCH_JVM_OPTS:-} -cp "$BENCH_CP" \
  dev.nitelog.bench.sinks.ElasticsearchSinkBench \
  --url "http://127.0.0.1:$PORT" --records "$RECORDS" --warmups "$WARMUPS" --runs "$RUNS" \
  --work "$WORK" --commit "$(commit)" --out "$ROOT/bench/results/elasticsearch.json"
log "wrote bench/results/elasticsearch.json"
