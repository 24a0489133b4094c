#!/usr/bin/env bash
# Run HERE (a machine with the .NET SDK): publishes eng/gpu/GpuRunner self-contained for linux-x64 into eng/gpu/out
# (trimmed, < 64 MiB, so it can be carried to a GPU machine that has no .NET). The native library is rebuilt there.
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf eng/gpu/out
dotnet publish eng/gpu/GpuRunner -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -p:TrmSkipNative=true \
  -p:SuppressTrimAnalysisWarnings=true -o eng/gpu/out --nologo -v q
rm -f eng/gpu/out/libtrm_native.so eng/gpu/out/*.pdb   # built on the GPU machine against its own libtorch
du -sh eng/gpu/out
