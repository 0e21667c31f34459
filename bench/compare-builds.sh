#!/usr/bin/env bash
# A/B of two dspy4j builds on the same machine, against one bench server, runs alternating, so that
# machine noise hits both alike. Prints CPU ms per completion (and TTFT) per run; compare medians.
#
#   git worktree add ../dspy4j-old <commit>          # the build to compare with
#   (cd ../dspy4j-old && mvn -B -q -Pbench package -DskipTests)
#   mvn -B -q -Pbench package -DskipTests             # this checkout
#   bench/compare-builds.sh ../dspy4j-old [rounds]    # from this checkout's root
#
# Scenarios: (a) 20,000 x 200 tokens at 256, (c) 10,000 sequential x 20 tokens, (d0/d1) LM.stream and
# ChainOfThought.stream on the 204-delta ChatAdapter reply at 64; the floor runs (a) and (c) too.
# Both builds run under this checkout's harness (its classes come first on the class path), so that
# they warm up and are measured alike; CPU is process CPU without the JIT compiler threads'.
set -euo pipefail
OLD=$(cd "${1:?usage: bench/compare-builds.sh <other-checkout> [rounds]}" && pwd)
ROUNDS=${2:-3}
NEW=$(pwd)
SERVER_CP=bench/server/target/classes:$(cat bench/server/target/classpath.txt)
coproc SERVER { exec java -Xmx512m -cp "$SERVER_CP" dev.dspy4j.bench.server.BenchServer 0 1; }
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
read -r line <&"${SERVER[0]}"
PORT=${line#PORT }

# run LABEL CHECKOUT MODULE MAIN KIND TOKENS EXPECTED TOTAL CONCURRENCY WARMUP MODE
run() {
  local cp="$NEW/bench/harness/target/classes:$2/bench/$3/target/classes:$(cat "$2/bench/$3/target/classpath.txt")"
  local result
  result=$(java -Xms256m -Xmx1g -XX:+UseG1GC -cp "$cp" "$4" --client x --scenario x \
    --base "http://127.0.0.1:$PORT/s/$5/$6/0/4/v1" --total "$8" --concurrency "$9" --tokens "$7" \
    --warmup "${10}" --warmup-cpu-s 45 --timeout-s 300 --mode "${11}" --live-heap false 2>/dev/null | grep '^RESULT')
  python3 - "$1" "$result" <<'EOF'
import sys
label, line = sys.argv[1], sys.argv[2]
kv = dict(p.split('=', 1) for p in line[len('RESULT '):].split(';') if '=' in p)
done = int(kv['completed'])
work = float(kv['cpuSeconds']) - max(0.0, float(kv.get('compilerCpuSeconds', '0')))
print(f"{label:10s} completed={done} errors={kv['errors']} cpu_ms_per_completion={1000 * work / max(done, 1):.3f}"
      f" jit_ms_per_completion={1000 * max(0.0, float(kv.get('compilerCpuSeconds', '0'))) / max(done, 1):.3f}"
      f" ttft_p50_us={float(kv['ttftP50Micros']):.0f} ttft_p99_us={float(kv['ttftP99Micros']):.0f}")
EOF
}

DSPY=(client-dspy4j dev.dspy4j.bench.dspy4j.Dspy4jClient)
FLOOR=(client-floor dev.dspy4j.bench.floor.FloorClient)
for ((i = 1; i <= ROUNDS; i++)); do
  run a-old "$OLD" "${DSPY[@]}" plain 200 200 20000 256 1000 stream
  run a-new "$NEW" "${DSPY[@]}" plain 200 200 20000 256 1000 stream
  run a-floor "$NEW" "${FLOOR[@]}" plain 200 200 20000 256 1000 stream
  run c-old "$OLD" "${DSPY[@]}" plain 20 20 10000 1 1000 stream
  run c-new "$NEW" "${DSPY[@]}" plain 20 20 10000 1 1000 stream
  run c-floor "$NEW" "${FLOOR[@]}" plain 20 20 10000 1 1000 stream
  run d0-old "$OLD" "${DSPY[@]}" cot 200 204 10000 64 1000 stream
  run d1-old "$OLD" "${DSPY[@]}" cot 200 204 10000 64 1000 cot
  run d0-new "$NEW" "${DSPY[@]}" cot 200 204 10000 64 1000 stream
  run d1-new "$NEW" "${DSPY[@]}" cot 200 204 10000 64 1000 cot
done
