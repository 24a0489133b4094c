#!/usr/bin/env bash
# Packs every package under src/ (libraries + the trm tool, with .snupkg symbols) into a local NuGet feed.
#   eng/pack-local.sh [--feed DIR] [--version V] [--no-build]
# Defaults: --feed artifacts/packages, --version 0.1.0-local. The NuGet cache's copies of trm.* at that version are
# removed first, so a notebook or app restoring that version gets these packages, not an older pack.
#   eng/pack-local.sh --forget V      only removes the NuGet cache's trm.* packages at version V (cleanup of test runs)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
feed="artifacts/packages"
version="0.1.0-local"
build_flag=""
forget=""
while [ $# -gt 0 ]; do
  case "$1" in
    --feed) feed="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --no-build) build_flag="--no-build"; shift ;;
    --forget) forget=1; version="$2"; shift 2 ;;
    *) echo "pack-local: unknown argument $1" >&2; exit 2 ;;
  esac
done
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
for p in src/*/*.csproj; do
  id=$(basename "$p" .csproj | tr '[:upper:]' '[:lower:]')
  rm -rf "${cache:?}/$id/$version"
done
[ -z "$forget" ] || exit 0

mkdir -p "$feed"
feed=$(cd "$feed" && pwd)

# One pack of a solution filter holding every src/ project (new packages are picked up without editing a list).
filter="artifacts/obj/packages.slnf"
mkdir -p "$(dirname "$filter")"
{
  echo '{ "solution": { "path": "../../Trm.Sdk.sln", "projects": ['
  find src -mindepth 2 -maxdepth 2 -name '*.csproj' | sort | sed 's|.*|    "&",|' | sed '$ s/,$//'
  echo '] } }'
} > "$filter"

dotnet pack "$filter" -c Release $build_flag -nologo -v quiet -o "$feed" -p:PackageVersion="$version" >&2
echo "$feed"
