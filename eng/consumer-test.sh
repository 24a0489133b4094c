#!/usr/bin/env bash
# Consumer test: uses Trm.Sdk as a new user would, from packages only.
#   1. packs every package under src/ into a temporary feed (eng/pack-local.sh, a version unique to this run);
#   2. writes a fresh console app outside the solution (eng/consumer/) that references the packages by
#      PackageReference only, restores from the usual sources + the feed, builds it, and runs a tiny
#      data -> train -> solve -> plot pipeline; the README examples of every package are compiled into it too;
#   3. installs `trm` from the same feed as a dotnet tool (--tool-path) and runs `trm --help`,
#      `trm data build-sudoku` and `trm plot`.
# Prints one line per check, "consumer-test: PASS <name>" or "consumer-test: FAIL <name>" (eng/test.sh counts them);
# exits non-zero when a check fails.
#   eng/consumer-test.sh [--no-build] [--keep] [--break native|dependency]
# --break proves that the test catches a broken package: `native` removes libtrm_native.so from Trm.Torch's package,
# `dependency` removes Trm.Data from Trm.Training's dependencies; the run must then FAIL.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
no_build="" keep="" break_what=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) no_build="--no-build"; shift ;;
    --keep) keep=1; shift ;;
    --break) break_what="$2"; shift 2 ;;
    *) echo "consumer-test: unknown argument $1" >&2; exit 2 ;;
  esac
done

version="0.1.0-consumer.$(date +%Y%m%d%H%M%S).$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/trm-consumer.XXXXXX")
failed=0
cleanup() {
  eng/pack-local.sh --forget "$version"
  [ -n "$keep" ] && echo "consumer-test: kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
log="$work/log.txt"
check() { # name, command...
  local name="$1"; shift
  local out="$work/check-$name.txt"
  if "$@" >"$out" 2>&1; then echo "consumer-test: PASS $name"; else echo "consumer-test: FAIL $name"; failed=1; tail -n 30 "$out" | sed 's/^/  | /'; fi
  cat "$out" >>"$log"
}
started=$SECONDS

check pack eng/pack-local.sh $no_build --feed "$work/feed" --version "$version"

if [ -n "$break_what" ]; then
  python3 - "$work/feed" "$version" "$break_what" <<'PY' >>"$log" 2>&1
import re, sys, zipfile, os
feed, version, what = sys.argv[1:]
def rewrite(pkg, keep, edit=lambda n, b: b):
    path = os.path.join(feed, f"{pkg}.{version}.nupkg")
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i, b in items:
            if keep(i.filename): z.writestr(i, edit(i.filename, b))
if what == "native":
    rewrite("Trm.Torch", lambda n: not n.startswith("runtimes/"))
elif what == "dependency":
    rewrite("Trm.Training", lambda n: True,
            lambda n, b: re.sub(rb'<dependency id="Trm.Data"[^>]*/>', b"", b) if n.endswith(".nuspec") else b)
else:
    sys.exit(f"unknown --break {what}")
print(f"broke {what}")
PY
fi

app="$work/app"
mkdir -p "$app"
sed "s/@VERSION@/$version/g" eng/consumer/ConsumerApp.csproj.in > "$app/ConsumerApp.csproj"
cp eng/consumer/Program.cs "$app/Program.cs"
# The usual package sources plus the temporary feed (and nothing from the repository's build).
python3 - "$repo/nuget.config" "$work/feed" > "$app/nuget.config" <<'PY'
import sys
src = open(sys.argv[1]).read()
print(src.replace("</packageSources>", f'    <add key="trm-local" value="{sys.argv[2]}" />\n  </packageSources>'))
PY
# Every package README's C# example must compile against the packages: one method per example.
python3 - "$app" src/*/README.md <<'PY'
import re, sys, os
app, readmes = sys.argv[1], sys.argv[2:]
for i, path in enumerate(readmes):
    for j, block in enumerate(re.findall(r"```csharp\n(.*?)```", open(path).read(), re.S)):
        lines = block.splitlines()
        usings = [l for l in lines if re.match(r"using [A-Za-z0-9_.]+;", l)]
        body = [l for l in lines if l not in usings]
        name = f"Readme_{os.path.basename(os.path.dirname(path)).replace('.', '_')}_{j}"
        with open(os.path.join(app, name + ".cs"), "w") as f:
            f.write("\n".join(usings) + f"\n\n// From {path}\ninternal static class {name}\n{{\n    internal static void Run()\n    {{\n")
            f.write("\n".join("        " + l for l in body) + "\n    }\n}\n")
PY

check app-restore-build dotnet build "$app" -c Release -nologo -v quiet
mkdir -p "$work/run"
check app-run bash -c "cd '$work/run' && timeout 240 dotnet '$app/bin/Release/net10.0/ConsumerApp.dll'"

tools="$work/tools"
check tool-install dotnet tool install Trm.Cli --version "$version" --tool-path "$tools" --configfile "$app/nuget.config"
check tool-help bash -c "'$tools/trm' --help | grep -q 'build datasets, train'"
check tool-build-sudoku bash -c "cd '$work/run' && '$tools/trm' data build-sudoku --output-dir tool-sudoku --subsample-size 20 --test-size 5 --num-aug 1 && test -f tool-sudoku/train/dataset.json"
check tool-plot bash -c "cd '$work/run' && '$tools/trm' plot checkpoints/consumer/metrics.jsonl -o tool-curve.svg && grep -q '<svg' tool-curve.svg"

echo "consumer-test: $((SECONDS - started)) s" >&2
exit "$failed"
