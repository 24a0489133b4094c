// GPU round: checks the CUDA paths of Trm.Torch, the TRM parity on the device (float32 and bf16 against the CPU), CUDA graphs,
// memory and the fused kernels, and times the TRM workloads, printing one table.
// Usage: GpuRunner [--cpu] [--json results.jsonl]   (TRM_NATIVE_LIB points at a CUDA build of libtrm_native.so; see eng/gpu/run.sh)
//   --cpu: dry run without a GPU: the same code path with the CPU as the device (CPU vs CPU parity; CUDA-only checks SKIP
//          with the reason) and the small TRM workloads.
using GpuRunner;
using Trm.Torch;
using Trm.Torch.Cuda;

int jsonAt = Array.IndexOf(args, "--json");
string? jsonPath = jsonAt >= 0 && jsonAt + 1 < args.Length ? args[jsonAt + 1] : null;
bool cpu = args.Contains("--cpu");
var report = new Report();
report.Info("libtorch", Engine.Version);
report.Info("CUDA compiled", CudaDevice.IsCompiled.ToString());
report.Info("CUDA devices", CudaDevice.IsCompiled ? CudaDevice.DeviceCount.ToString() : "0");
report.Info("fused CUDA kernels compiled", FusedKernels.IsCompiled.ToString());
report.Info("CUDA memory statistics", CudaDevice.MemoryStats().ToString());
if (!cpu && !CudaDevice.IsAvailable)
{
    report.Print();
    Console.Error.WriteLine("No CUDA device usable from trm_native (build it against a CUDA libtorch: eng/gpu/run.sh).");
    return 2;
}

var device = cpu ? Device.Cpu : Device.Cuda();
Checks.RunAll(report, device);
Parity.Run(report, device);
GraphChecks.Run(report, device);
if (cpu)
{
    TrmBench.Run(report, device, "small attention", TrmBench.Small(mlpT: false), warmup: 1, rounds: 3);
    TrmBench.Run(report, device, "small mlp_t", TrmBench.Small(mlpT: true), warmup: 1, rounds: 3);
}
else
{
    Benchmarks.RunAll(report);
    TrmBench.Run(report, device, "small attention", TrmBench.Small(mlpT: false), warmup: 5, rounds: 20);
    TrmBench.Run(report, device, "small mlp_t", TrmBench.Small(mlpT: true), warmup: 5, rounds: 20);
    TrmBench.Run(report, device, "sudoku attention", TrmBench.Sudoku(mlpT: false), warmup: 3, rounds: 10);
    TrmBench.Run(report, device, "sudoku mlp_t", TrmBench.Sudoku(mlpT: true), warmup: 3, rounds: 10);
}
report.Print();
if (jsonPath is not null) report.WriteJson(jsonPath);
return report.Failed == 0 ? 0 : 1;
