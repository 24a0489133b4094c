#!/usr/bin/env bash
# The README's test command: installs what is missing, builds (native shim + .NET) and runs every test project.
# Ends with one line "N passed, N failed, N skipped" summed from the test results (TRX files).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source eng/bootstrap.sh

results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet build Trm.Sdk.sln -c Release -nologo -v minimal

set +e
dotnet test Trm.Sdk.sln -c Release --no-build -nologo -v minimal \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
rc=$?
set -e

# A test project that crashed writes no TRX file: it counts as a failure.
projects=$(find tests -name '*.Tests.csproj' | wc -l)
trx_count=$(find "$results" -name '*.trx' | wc -l)
# Count test results by outcome (an ignored NUnit test is "NotExecuted"; TRX's own counters miss it).
count() {
  { find "$results" -name '*.trx' -print0 | xargs -0 -r grep -ho "<UnitTestResult [^>]*outcome=\"$1\"" || true; } | wc -l
}
passed=$(count Passed)
failed=$(( $(count Failed) + $(count Error) + $(count Timeout) + $(count Aborted) ))
skipped=$(( $(count NotExecuted) + $(count Inconclusive) ))
if [ "$trx_count" -lt "$projects" ]; then
  echo "test: $((projects - trx_count)) test project(s) produced no results (crashed or not run)" >&2
  failed=$((failed + projects - trx_count))
  [ "$rc" -ne 0 ] || rc=1
fi
# Fuzzing: each parser for FUZZ_SECONDS (default 20 s) under AFL++ (eng/fuzz.sh); a crash counts as one failure.
if [ "${TRM_SKIP_FUZZ:-0}" != 1 ]; then
  if ! bash eng/fuzz.sh; then
    echo "test: fuzzing found a crash or could not run (artifacts/fuzz)" >&2
    failed=$((failed + 1))
  fi
fi

# Used as users use it (eng/consumer-test.sh: packages from a local feed in a fresh app, the trm tool; then
# eng/notebook-test.sh: every notebook run headlessly). Each prints "<name>: PASS|FAIL <check>" lines, counted here;
# a script that fails without a FAIL line counts as one failure.
for script in consumer-test notebook-test; do
  [ -x "eng/$script.sh" ] || continue
  out="$results/$script.txt"
  set +e
  "eng/$script.sh" --no-build 2>&1 | tee "$out"
  script_rc=${PIPESTATUS[0]}
  set -e
  script_passed=$(grep -c "^$script: PASS " "$out" || true)
  script_failed=$(grep -c "^$script: FAIL " "$out" || true)
  if [ "$script_rc" -ne 0 ] && [ "$script_failed" -eq 0 ]; then script_failed=1; fi
  passed=$((passed + script_passed))
  failed=$((failed + script_failed))
done

# Code conventions (.editorconfig): dotnet format must have nothing to change; a difference counts as one failure.
if [ "${TRM_SKIP_FORMAT:-0}" != 1 ]; then
  if dotnet format Trm.Sdk.sln --verify-no-changes --no-restore -v quiet > "$results/format.txt" 2>&1; then
    passed=$((passed + 1))
  else
    echo "test: dotnet format --verify-no-changes found differences (run 'dotnet format Trm.Sdk.sln'):" >&2
    head -20 "$results/format.txt" >&2
    failed=$((failed + 1))
  fi
fi

[ "$failed" -eq 0 ] || [ "$rc" -ne 0 ] || rc=1
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
