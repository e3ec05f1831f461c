#!/usr/bin/env bash
# One molecule scenario for `make molecule`: `molecule test -s SCENARIO` with
# its output in LOG_DIR/SCENARIO.log, one line when it passes, and the end of
# the log when it fails. Usage: tests/molecule_scenario.sh LOG_DIR SCENARIO
set -uo pipefail
log_dir=$1
scenario=$2
log="$log_dir/$scenario.log"
begin=$(date +%s)
echo "=== molecule: $scenario started"
molecule test -s "$scenario" >"$log" 2>&1
rc=$?
seconds=$(($(date +%s) - begin))
if [ "$rc" -eq 0 ]; then
  echo "=== molecule: $scenario passed in ${seconds}s"
  exit 0
fi
echo "=== molecule: $scenario FAILED in ${seconds}s (exit $rc); the end of $log:"
tail -n 200 "$log" | sed "s/^/[$scenario] /"
# xargs stops at an exit status of 255 only; any other failure lets the other
# scenarios finish, and makes xargs exit non-zero.
exit 1
