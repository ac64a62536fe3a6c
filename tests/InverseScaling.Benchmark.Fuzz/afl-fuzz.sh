#!/usr/bin/env bash
# Coverage-guided fuzzing of one reader with AFL++ and SharpFuzz 2.3.0 (see docs/reliability.md, Fuzzing).
# Needs afl-fuzz (Debian: apt-get install afl++) and the sharpfuzz tool (dotnet tool install --global SharpFuzz.CommandLine).
# Usage: tests/InverseScaling.Benchmark.Fuzz/afl-fuzz.sh <target> [seconds]   (run from the repository root)
set -euo pipefail
target=${1:?name a target: task-jsonl, task-csv, task-card, family-json, tokenizer-vocab, tokenizer-merges, tokenizer-json, baseline}
seconds=${2:-600}
work=${TMPDIR:-/tmp}/isb-afl/$target
rm -rf "$work" && mkdir -p "$work"
dotnet build -c Release tests/InverseScaling.Benchmark.Fuzz >/dev/null
cp -r tests/InverseScaling.Benchmark.Fuzz/bin/Release/net10.0 "$work/bin"
sharpfuzz "$work/bin/InverseScaling.Benchmark.dll"
dotnet "$work/bin/inverse-scaling-fuzz.dll" --seeds "$work/in" --target "$target"
AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  afl-fuzz -V "$seconds" -i "$work/in" -o "$work/out" -t 5000 -m none -- dotnet "$work/bin/inverse-scaling-fuzz.dll" --afl "$target"
echo "crashes: $(find "$work/out/default/crashes" -type f ! -name README.txt | wc -l) (inputs in $work/out/default/crashes)"
