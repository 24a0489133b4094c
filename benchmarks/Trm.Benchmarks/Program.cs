using BenchmarkDotNet.Running;
using Trm.Benchmarks;

// Runs the benchmark classes of this assembly; pass BenchmarkDotNet arguments, e.g. --filter '*Tokenizer*'.
// "trm-cputime [runs]" instead measures the TRM steps in process CPU time (see TrmForwardCpuTime); "chat-cputime"
// and "chat-opcount" do the same for the chat TRM's language-model training step (see ChatTrainingCpuTime);
// "chat-learn" is the learning comparison's driver (see ChatLearning/ChatLearningCommand).
if (args.Length > 0 && args[0] == "trm-cputime")
{
    TrmForwardCpuTime.Run(args);
    return 0;
}

if (args.Length > 0 && args[0] == "trm-opcount")
{
    TrmForwardCpuTime.CountOps();
    return 0;
}

if (args.Length > 0 && args[0] == "chat-cputime")
{
    ChatTrainingCpuTime.Run(args);
    return 0;
}

if (args.Length > 0 && args[0] == "chat-opcount")
{
    ChatTrainingCpuTime.CountOps(args);
    return 0;
}

if (args.Length > 0 && args[0] == "chat-learn")
{
    return Trm.Benchmarks.ChatLearning.ChatLearningCommand.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
