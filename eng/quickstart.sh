#!/usr/bin/env bash
# The README's main-job command: installs what is missing, builds, and runs the quickstart.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source eng/bootstrap.sh

dotnet run --project src/Trm.Cli -c Release -- quickstart "$@"
