// GPU round: checks the CUDA paths of Trm.Torch and times a few workloads, printing one table.
// Usage: GpuRunner [--json results.jsonl] | GpuRunner --cpu (smoke test without a GPU)   (TRM_NATIVE_LIB points at a CUDA build of libtrm_native.so; see eng/gpu/run.sh)
using System.Diagnostics;
using System.Text.Json;
using GpuRunner;
using Trm.Torch;
using Trm.Torch.Cuda;

string? jsonPath = args.Length == 2 && args[0] == "--json" ? args[1] : null;
var report = new Report();
if (args.Length == 1 && args[0] == "--cpu")
{
    // Smoke test of a published runner on a machine without a GPU: the device-independent checks on the CPU.
    report.Info("libtorch", Engine.Version);
    Checks.RunAll(report, Device.Cpu);
    report.Print();
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
report.Print();
if (jsonPath is not null) File.WriteAllLines(jsonPath, report.Timings.Select(t => JsonSerializer.Serialize(t, ReportJson.Default.Timing)));
return report.Failed == 0 ? 0 : 1;
