#!/usr/bin/env bash
# Runs every notebook under notebooks/ headlessly (dotnet-interactive's stdio protocol, eng/notebook-runner.py) against
# packages packed from this checkout into a temporary feed, and checks each cell's output (no error; the values the
# text claims, from the cell's `trm.expect` metadata). Prints "notebook-test: PASS|FAIL <notebook>" (eng/test.sh
# counts them); exits non-zero when one fails.
#   eng/notebook-test.sh [--no-build] [--keep] [notebooks/x.ipynb ...]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
no_build="" keep=""
notebooks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) no_build="--no-build"; shift ;;
    --keep) keep=1; shift ;;
    *) notebooks+=("$1"); shift ;;
  esac
done
[ ${#notebooks[@]} -gt 0 ] || notebooks=(notebooks/*.ipynb)

kernel="${TRM_DOTNET_INTERACTIVE:-$repo/artifacts/tools/dotnet-interactive}"
if [ ! -x "$kernel" ]; then
  dotnet tool install Microsoft.dotnet-interactive --version 1.0.712001 --tool-path "$repo/artifacts/tools" >/dev/null \
    || { echo "notebook-test: FAIL install-dotnet-interactive"; exit 1; }
fi

version="0.1.0-notebook.$(date +%Y%m%d%H%M%S).$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/trm-notebooks.XXXXXX")
cleanup() {
  eng/pack-local.sh --forget "$version"
  [ -n "$keep" ] && echo "notebook-test: kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
started=$SECONDS

if ! eng/pack-local.sh $no_build --feed "$work/feed" --version "$version" >"$work/pack.log" 2>&1; then
  echo "notebook-test: FAIL pack"; tail -n 20 "$work/pack.log" | sed 's/^/  | /'; exit 1
fi
# The notebooks reference ../artifacts/packages at 0.1.0-local; run copies against this run's feed and version.
mkdir -p "$work/notebooks"
for nb in "${notebooks[@]}"; do
  sed -e "s|nuget: ../artifacts/packages|nuget: $work/feed|" -e "s|, 0.1.0-local\"|, $version\"|" "$nb" > "$work/notebooks/$(basename "$nb")"
done
python3 eng/notebook-runner.py --kernel "$kernel" --timeout 300 --out "$work/executed" "$work"/notebooks/*.ipynb
rc=$?
echo "notebook-test: $((SECONDS - started)) s" >&2
exit "$rc"
