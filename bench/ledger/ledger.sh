#!/usr/bin/env bash
# The per-path CPU ledger of docs/BENCHMARKS.md: CPU time per operation (weft's carriers and the
# caller, or the JDK's carriers) on two builds of weft-core, compared in one JVM, and on the
# JDK's virtual threads.
#   ./weft ledger BEFORE-REV [PROCS] [ROUNDS]
# builds weft-core at BEFORE-REV (a git worktree under target/) and at the working tree. The
# launcher has found the JDK 25 (JAVA_HOME).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BEFORE=${1:?usage: ledger.sh BEFORE-REV [PROCS] [ROUNDS]}
PROCS=${2:-1}
ROUNDS=${3:-11}
[[ -x "${JAVA_HOME:-}/bin/javac" ]] || { echo "ledger.sh: run it as ./weft ledger, which finds a JDK 25" >&2; exit 1; }
OUT=$ROOT/target/ledger
rm -rf "$OUT" && mkdir -p "$OUT"
./mvnw -B -q -pl weft-core compile
cp -r weft-core/target/classes "$OUT/after"
git worktree add -q --detach "$OUT/src-before" "$BEFORE"
(cd "$OUT/src-before" && ./mvnw -B -q -pl weft-core compile && cp -r weft-core/target/classes "$OUT/before")
git worktree remove --force "$OUT/src-before"
"$JAVA_HOME/bin/javac" -d "$OUT/ledger" -cp "$OUT/after" bench/ledger/Ledger.java bench/ledger/Compare.java
run() { "$JAVA_HOME/bin/java" -Djdk.virtualThreadScheduler.parallelism="$PROCS" -Dledger.classes="$OUT/ledger" \
          --add-opens java.base/java.lang=ALL-UNNAMED -cp "$OUT/ledger" Compare "$PROCS" "$ROUNDS" "$@"; }
echo "CPU ns per operation, procs $PROCS, medians of $ROUNDS (before = $BEFORE, after = working tree)"
for pair in "bare vbare" "chan vsq" "spawn vspawn" "pspawn vpspawn" "yield2 vyield2" "yield1000 vyield1000" "skynet vskynet" "fork vfork"; do
  set -- $pair
  ba=$(run "cpu-$1" "$OUT/before" "$OUT/after" | awk '{print $3}' | tr '\n' ' ')
  vt=$(run "cpu-$2" "$OUT/after" | awk '{print $3}')
  echo "$1: before after = $ba  JDK VT ($2) = $vt"
done
