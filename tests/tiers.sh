#!/usr/bin/env bash
# Run make targets one after another as the tiers of a test run, and end with
# one line per tier and its seconds (also when a tier fails, which stops the
# run). Usage: tests/tiers.sh TIER [TIER...]; each TIER is a make target.
set -uo pipefail

make_cmd=${MAKE:-make}
results=()
started=$(date +%s)
status=0

report() {
  echo
  echo "=== tiers"
  for line in "${results[@]}"; do echo "$line"; done
  printf 'tier %-14s %6ds\n' total "$(($(date +%s) - started))"
}

for tier in "$@"; do
  echo "=== tier $tier"
  begin=$(date +%s)
  "$make_cmd" --no-print-directory "$tier"
  rc=$?
  seconds=$(($(date +%s) - begin))
  if [ "$rc" -ne 0 ]; then
    results+=("$(printf 'tier %-14s %6ds  FAILED (exit %d)' "$tier" "$seconds" "$rc")")
    status=1
    break
  fi
  results+=("$(printf 'tier %-14s %6ds  passed' "$tier" "$seconds")")
done

report
exit "$status"
