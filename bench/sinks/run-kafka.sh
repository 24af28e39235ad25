#!/usr/bin/env bash
# Issue #4: records/s of nitelog's Kafka sink vs kcat, same records and producer settings, same local
# broker (Kafka 4.1.2 from Maven Central, KRaft, one node on 127.0.0.1). Writes bench/results/kafka.json.
# Usage: bench/sinks/run-kafka.sh [--quick] [--no-build]
source "$(dirname "$0")/common.sh"

# runs a multiple of 3: each of the three sides goes first equally often
if $QUICK; then RECORDS=50000; WARMUPS=1; RUNS=6; else RECORDS=500000; WARMUPS=1; RUNS=9; fi
PARTITIONS=3

command -v kcat >/dev/null || { log "installing kcat"; apt-get install -y kcat >/dev/null; }
build_bench
copy_libs "$ROOT/bench/sinks/kafka-broker/pom.xml" "$WORK/kafka-libs"

BROKER="$WORK/kafka-broker"
rm -rf "$BROKER"; mkdir -p "$BROKER"
PORT=$(free_port); CPORT=$(free_port)
cat > "$BROKER/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$BROKER/data
num.partitions=$PARTITIONS
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
cat > "$BROKER/log4j2.properties" <<'PROPS'
rootLogger.level=WARN
rootLogger.appenderRef.console.ref=console
appender.console.type=Console
appender.console.name=console
appender.console.layout.type=PatternLayout
appender.console.layout.pattern=%d %p %c{1}: %m%n
PROPS
KAFKA_CP="$WORK/kafka-libs/*"
KAFKA_JVM=(-Xms1g -Xmx1g -Dlog4j2.configurationFile="$BROKER/log4j2.properties")
CLUSTER_ID=$(java -cp "$KAFKA_CP" "${KAFKA_JVM[@]}" kafka.tools.StorageTool random-uuid | tail -1)
java -cp "$KAFKA_CP" "${KAFKA_JVM[@]}" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$BROKER/server.properties" >"$BROKER/format.log"

log "starting Kafka 4.1.2 on 127.0.0.1:$PORT"
java -cp "$KAFKA_CP" "${KAFKA_JVM[@]}" kafka.Kafka "$BROKER/server.properties" >"$BROKER/broker.log" 2>&1 &
BROKER_PID=$!
trap 'stop_pid $BROKER_PID; rm -rf "$BROKER/data"' EXIT
wait_for_port "$PORT" 120 "$BROKER_PID"

log "running the bench ($RECORDS records, $WARMUPS warm-up + $RUNS runs); $(kcat -V | grep -o 'librdkafka [0-9.]*')"
java -Xms2g -Xmx2g -Djava.util.logging.manager=org.jboss.logmanager.LogManager ${BENCH_JVM_OPTS:-} -cp "$BENCH_CP" dev.nitelog.bench.sinks.KafkaSinkBench \
  --bootstrap "127.0.0.1:$PORT" --records "$RECORDS" --partitions "$PARTITIONS" \
  --warmups "$WARMUPS" --runs "$RUNS" --work "$WORK" --commit "$(commit)" \
  --out "$ROOT/bench/results/kafka.json"
log "wrote bench/results/kafka.json"
