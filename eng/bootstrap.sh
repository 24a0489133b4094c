#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine needs to build and run Trm.Sdk on CPU, then returns.
# Sourced by eng/test.sh and eng/quickstart.sh; safe to run again (it only installs what is missing).
#   - libtorch-dev (the tensor engine, 1.13 on Debian 12), libopenblas-dev (fast BLAS for it),
#     cmake + g++ (to build the native shim in native/), ccache (speeds up rebuilds), libgloo-dev (Gloo process groups).
#   - the .NET 10 SDK must already be on PATH (it is not a Debian package).
set -euo pipefail

trm_bootstrap() {
  local required=(libtorch-dev libopenblas-dev cmake g++)
  local optional=(ccache libgloo-dev)
  local missing=() p
  for p in "${required[@]}" "${optional[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done

  if ((${#missing[@]})); then
    echo "bootstrap: installing ${missing[*]}" >&2
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo="sudo"
      else
        echo "bootstrap: missing packages and not root. Run:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        return 1
      fi
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || { echo "bootstrap: apt-get install failed for: ${missing[*]}" >&2; return 1; }
  fi

  if ! command -v dotnet >/dev/null 2>&1; then
    echo "bootstrap: the .NET 10 SDK is not on PATH. Install it (https://dotnet.microsoft.com/download) and retry." >&2
    return 1
  fi
  local major
  major=$(dotnet --version 2>/dev/null | cut -d. -f1)
  if [ "${major:-0}" -lt 10 ]; then
    echo "bootstrap: .NET SDK $(dotnet --version) found; Trm.Sdk needs 10.0 or newer." >&2
    return 1
  fi

  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  # Two cores: let the native build use both.
  export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
}

trm_bootstrap

# Fuzzing (eng/fuzz.sh, run by eng/test.sh): AFL++ from Debian. Optional: without it the fuzz step says so and is skipped.
trm_bootstrap_fuzz() {
  command -v afl-fuzz >/dev/null 2>&1 && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
      echo "bootstrap: afl++ missing and not root (sudo apt-get install afl++); fuzzing will be skipped" >&2
      return 0
    fi
  fi
  echo "bootstrap: installing afl++" >&2
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends afl++ >/dev/null; } \
    || echo "bootstrap: apt-get install afl++ failed; fuzzing will be skipped" >&2
}

trm_bootstrap_fuzz
# Tools for the consumer and notebook tests (eng/consumer-test.sh, eng/notebook-test.sh): python3 drives the notebook
# kernel's stdio protocol; dotnet-interactive (the Polyglot Notebooks kernel) is a .NET tool installed under artifacts/tools.
trm_bootstrap_notebooks() {
  if ! command -v python3 >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "bootstrap: installing python3" >&2
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3 >/dev/null \
      || { echo "bootstrap: install python3 (sudo apt-get install python3) for the notebook tests" >&2; return 1; }
  fi
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if [ ! -x "$root/artifacts/tools/dotnet-interactive" ]; then
    echo "bootstrap: installing the dotnet-interactive tool (1.0.712001) into artifacts/tools" >&2
    dotnet tool install Microsoft.dotnet-interactive --version 1.0.712001 --tool-path "$root/artifacts/tools" >/dev/null \
      || { echo "bootstrap: could not install dotnet-interactive; the notebook tests will fail" >&2; return 1; }
  fi
}

trm_bootstrap_notebooks
