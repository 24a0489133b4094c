using BenchmarkDotNet.Running;

// Runs the benchmark classes of this assembly; pass BenchmarkDotNet arguments, e.g. --filter '*Tokenizer*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
