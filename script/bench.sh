#!/usr/bin/env bash
# Runs the benchmark suite of issue #4 (java/bench, Maven profile `bench`), never part of `mvn test`.
# Output: a table on stdout, target/bench/results.json and target/bench/throughput.png.
# The connections step needs one file descriptor per connection in each of its two processes:
# raise the limit as far as this machine allows (10,000 connections need about 10,500).
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec mvn -q -Pbench test-compile exec:exec "$@"
