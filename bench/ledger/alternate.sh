#!/usr/bin/env bash
# Two builds of weft-core compared one JVM each, alternating (the ledger's Compare runs several
# builds in one JVM, where the JDK's shared code is profiled by all of them and a build's figure
# moves by 10-15 ns with the others loaded): for each JVM, the median CPU ns per operation of
# each workload, and the difference between the second workload and the first.
#   bench/ledger/alternate.sh PROCS JVMS ROUNDS WORKLOAD1,WORKLOAD2 CLASSES-DIR...
# e.g. bench/ledger/alternate.sh 1 8 11 cpu-bare,cpu-chan /tmp/before/classes weft-core/target/classes
# (CLASSES-DIR: a build's weft-core/target/classes; JAVA_HOME: a JDK 25; JAVA_OPTS: more JVM flags.)
set -euo pipefail
cd "$(dirname "$0")/../.."
PROCS=$1 JVMS=$2 ROUNDS=$3 WORK=$4; shift 4
OUT=$(mktemp -d)
"$JAVA_HOME/bin/javac" -nowarn -d "$OUT/ledger" -cp "$1" bench/ledger/Ledger.java bench/ledger/Compare.java
uptime
for i in $(seq "$JVMS"); do
  for d in "$@"; do
    m=$("$JAVA_HOME/bin/java" ${JAVA_OPTS:-} -Xms1g -Xmx1g -Djdk.virtualThreadScheduler.parallelism="$PROCS" \
        -Dledger.classes="$OUT/ledger" --add-opens java.base/java.lang=ALL-UNNAMED -cp "$OUT/ledger" \
        Compare "$PROCS" "$ROUNDS" "$WORK" "$d" | awk '{print $4}' | tr '\n' ' ')
    echo "$d $m" >> "$OUT/runs"
  done
done
for d in "$@"; do
  grep -F "$d " "$OUT/runs" | awk -v d="$d" -v w="$WORK" \
    '{a=a" "$2; b=b" "$3; x=x" "($3-$2)} END {split(w, n, ","); print d": " n[1] a " | " n[2] b " | difference" x}'
done
uptime
rm -rf "$OUT"
