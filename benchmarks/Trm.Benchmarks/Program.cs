using BenchmarkDotNet.Running;
using Trm.Benchmarks;

// Runs the benchmark classes of this assembly; pass BenchmarkDotNet arguments, e.g. --filter '*Tokenizer*'.
// "trm-cputime [runs]" instead measures the TRM steps in process CPU time (see TrmForwardCpuTime).
if (args.Length > 0 && args[0] == "trm-cputime")
{
    TrmForwardCpuTime.Run(args);
    return;
}

if (args.Length > 0 && args[0] == "trm-opcount")
{
    TrmForwardCpuTime.CountOps();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
