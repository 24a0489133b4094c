// GPU round: checks the CUDA paths of Trm.Torch and times a few workloads, printing one table.
// Usage: GpuRunner [--cpu] [--json results.jsonl]   (--cpu: smoke test / dry run without a GPU: the checks and the small TRM workloads on the CPU)   (TRM_NATIVE_LIB points at a CUDA build of libtrm_native.so; see eng/gpu/run.sh)
using System.Diagnostics;
using System.Text.Json;
using GpuRunner;
using Trm.Torch;
using Trm.Torch.Cuda;

int jsonAt = Array.IndexOf(args, "--json");
string? jsonPath = jsonAt >= 0 && jsonAt + 1 < args.Length ? args[jsonAt + 1] : null;
var report = new Report();
if (args.Contains("--cpu"))
{
    // Smoke test of a published runner on a machine without a GPU: the device-independent checks on the CPU, then the
    // small TRM workloads (attention and mlp_t) so that the whole round can be dry-run.
    report.Info("libtorch", Engine.Version);
    Checks.RunAll(report, Device.Cpu);
    TrmBench.Run(report, Device.Cpu, "small attention", TrmBench.Small(mlpT: false), warmup: 1, rounds: 3);
    TrmBench.Run(report, Device.Cpu, "small mlp_t", TrmBench.Small(mlpT: true), warmup: 1, rounds: 3);
    report.Print();
    if (jsonPath is not null) File.WriteAllLines(jsonPath, report.Timings.Select(t => JsonSerializer.Serialize(t, ReportJson.Default.Timing)));
    return report.Failed == 0 ? 0 : 1;
}
report.Info("libtorch", Engine.Version);
report.Info("CUDA compiled", CudaDevice.IsCompiled.ToString());
report.Info("CUDA devices", CudaDevice.IsCompiled ? CudaDevice.DeviceCount.ToString() : "0");
if (!CudaDevice.IsAvailable)
{
    report.Print();
    Console.Error.WriteLine("No CUDA device usable from trm_native (build it against a CUDA libtorch: eng/gpu/run.sh).");
    return 2;
}

Checks.RunAll(report, Device.Cuda());
Benchmarks.RunAll(report);
TrmBench.Run(report, Device.Cuda(), "small attention", TrmBench.Small(mlpT: false), warmup: 5, rounds: 20);
TrmBench.Run(report, Device.Cuda(), "small mlp_t", TrmBench.Small(mlpT: true), warmup: 5, rounds: 20);
TrmBench.Run(report, Device.Cuda(), "sudoku attention", TrmBench.Sudoku(mlpT: false), warmup: 3, rounds: 10);
TrmBench.Run(report, Device.Cuda(), "sudoku mlp_t", TrmBench.Sudoku(mlpT: true), warmup: 3, rounds: 10);
report.Print();
if (jsonPath is not null) File.WriteAllLines(jsonPath, report.Timings.Select(t => JsonSerializer.Serialize(t, ReportJson.Default.Timing)));
return report.Failed == 0 ? 0 : 1;
