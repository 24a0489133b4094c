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
if (jsonPath is not null) File.Delete(jsonPath);
var report = new Report(jsonPath);
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
// Every stage is guarded: an exception outside a check (e.g. out of memory in a benchmark) is reported as a failed check and
// the round goes on to the next stage.
void Stage(string name, Action body) => report.Check($"stage completed: {name}", body);
Stage("CUDA checks", () => Checks.RunAll(report, device));
Stage("TRM parity", () => Parity.Run(report, device));
Stage("CUDA graphs and memory", () => GraphChecks.Run(report, device));
if (cpu)
{
    Stage("TRM small attention", () => TrmBench.Run(report, device, "small attention", TrmBench.Small(mlpT: false), warmup: 1, rounds: 3));
    Stage("TRM small mlp_t", () => TrmBench.Run(report, device, "small mlp_t", TrmBench.Small(mlpT: true), warmup: 1, rounds: 3));
}
else
{
    Stage("micro-benchmarks", () => Benchmarks.RunAll(report));
    Stage("TRM small attention", () => TrmBench.Run(report, device, "small attention", TrmBench.Small(mlpT: false), warmup: 5, rounds: 20));
    Stage("TRM small mlp_t", () => TrmBench.Run(report, device, "small mlp_t", TrmBench.Small(mlpT: true), warmup: 5, rounds: 20));
    Stage("TRM sudoku attention", () => TrmBench.Run(report, device, "sudoku attention", TrmBench.Sudoku(mlpT: false), warmup: 3, rounds: 10));
    Stage("TRM sudoku mlp_t", () => TrmBench.Run(report, device, "sudoku mlp_t", TrmBench.Sudoku(mlpT: true), warmup: 3, rounds: 10));
}
report.Print();
return report.Failed == 0 ? 0 : 1;
