#!/bin/bash
# Background A/B until target/y2/ab.stop exists (compile bench/yield2/*.java into target/y2 first): floor (JDK only) spacers 0/2, weft guards on/off.
cd "$(dirname "$0")/../.."
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
CP=target/y2:weft-core/target/classes:weft-workloads/target/classes
while [ ! -f target/y2/ab.stop ]; do
  for sp in 0 2; do
    echo "== floor spacers=$sp $(date +%T) $(uptime | sed 's/.*load/load/')"
    $J -Dspacers=$sp --add-opens java.base/java.lang=ALL-UNNAMED -cp $CP FloorYield 2 4 500000 | tail -3
  done
  for g in false true; do
    echo "== weft guards=$g $(date +%T) $(uptime | sed 's/.*load/load/')"
    $J -Dweft.carrierGuards=$g --add-opens java.base/java.lang=ALL-UNNAMED -Xms4g -Xmx4g -cp $CP YieldPeers mn:3 n1:1 mn:3 2>&1 | grep "^\[" | awk -v g=$g '{printf "guards=%s %s %s el %s Mcpu %s overlap %.2f\n", g, $3, $4, $5, $11, $11/$5}'
  done
  sleep 15
done
