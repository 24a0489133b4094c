using System.Globalization;

namespace Trm.Benchmarks;

/// <summary>
/// Process CPU time of <see cref="ChatTrainingStepBenchmarks.TrainingStep"/> next to its wall time, for comparison with
/// <c>peers/chat_trm_peer.py</c> on a shared machine (the method of <see cref="TrmForwardCpuTime"/>).
/// Usage: <c>chat-cputime [runs] [setup] [vocab]</c> (default 10 runs, every setup and vocabulary);
/// <c>chat-opcount [setup] [vocab]</c> prints the libtorch operators one step dispatches.
/// </summary>
internal static class ChatTrainingCpuTime
{
    public static void Run(string[] args)
    {
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        TrmForwardCpuTime.PinThreads();
        foreach (var bench in Cases(args, 2))
        {
            bench.GlobalSetup();
            string result = TrmForwardCpuTime.Measure(bench.TrainingStep, runs);
            bench.GlobalCleanup();
            Console.WriteLine($"{bench.Setup} vocab {bench.Vocab}: TrainingStep {result}");
        }
    }

    public static void CountOps(string[] args)
    {
        Trm.Torch.Engine.SetNumThreads(1);
        foreach (var bench in Cases(args, 1))
        {
            bench.GlobalSetup();
            TrmForwardCpuTime.Print($"{bench.Setup}-{bench.Vocab}", "TrainingStep", bench.TrainingStep);
            bench.GlobalCleanup();
        }
    }

    private static IEnumerable<ChatTrainingStepBenchmarks> Cases(string[] args, int first)
    {
        string[] setups = args.Length > first ? [args[first]] : ["chat", "chat-recursive"];
        int[] vocabs = args.Length > first + 1 ? [int.Parse(args[first + 1], CultureInfo.InvariantCulture)] : [65, 50257];
        foreach (int vocab in vocabs)
        {
            foreach (string setup in setups) yield return new ChatTrainingStepBenchmarks { Setup = setup, Vocab = vocab };
        }
    }
}
