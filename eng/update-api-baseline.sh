#!/usr/bin/env bash
# Regenerates the public-API baseline of every package: src/<Package>/PublicAPI.Shipped.txt (the whole public surface,
# one symbol per line, as Microsoft.CodeAnalysis.PublicApiAnalyzers writes it) and an empty PublicAPI.Unshipped.txt.
#   eng/update-api-baseline.sh [src/Trm.Torch ...]      (default: every project under src/)
# With TrmEnforcePublicApi=true (Directory.Build.props) a build then fails on any public API added (RS0016) or removed
# (RS0017) without updating these files: add new API to PublicAPI.Unshipped.txt (the IDE's code fix does it), and run
# this script when a release is cut. See docs/packaging.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(src/*/)
export TrmEnforcePublicApi=true   # MSBuild reads environment variables as properties
for dir in "${dirs[@]}"; do
  dir="${dir%/}"
  project=$(ls "$dir"/*.csproj)
  printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
  # The analyzers' code fix adds every missing symbol (RS0016) to PublicAPI.Unshipped.txt.
  # (It exits non-zero when the workspace loads with warnings; the build below is the real check.)
  dotnet format analyzers "$project" --diagnostics RS0016 --severity warn >/dev/null 2>&1 || true
  # Everything public today is the baseline: move it to Shipped, sorted (stable diffs).
  { echo '#nullable enable'; grep -v '^#nullable' "$dir/PublicAPI.Unshipped.txt" | LC_ALL=C sort -u; } > "$dir/PublicAPI.Shipped.txt"
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
  echo "$dir: $(($(wc -l < "$dir/PublicAPI.Shipped.txt") - 1)) public symbols"
done
# Check: the build with the analyzers on must pass with the new baseline.
for dir in "${dirs[@]}"; do
  dotnet build "$(ls "${dir%/}"/*.csproj)" -c Release -nologo -v quiet -p:TrmSkipNative=true
done
echo "baseline updated; commit src/*/PublicAPI.*.txt"
