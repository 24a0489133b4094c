using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Trm.Data.Chat;

namespace Trm.Benchmarks.Data;

/// <summary>
/// Builds a GPT-2 chat dataset from 50,000 Alpaca-sized records (GSM8K questions/answers and the Alpaca seed tasks,
/// repeated with variation) — the "50k chat records in seconds on 2 cores" target. Reading, rendering with loss masks
/// on all cores and writing are all inside the measured call.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class ChatBuildBenchmark
{
    private string _work = null!;
    private string _input = null!;

    /// <summary>Records in the generated input.</summary>
    [Params(50_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _work = Path.Combine(Path.GetTempPath(), "trm-chat-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_work);
        _input = Path.Combine(_work, "alpaca-50k.json");
        AlpacaCorpus.Write(_input, Records);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var info = ChatDatasetInfo.Load(Path.Combine(_work, "out"));
        var c = info.Counts;
        Console.WriteLine($"// chat build: input {new FileInfo(_input).Length:N0} bytes, {c.Conversations:N0} conversations, " +
            $"{c.TrainTokens + c.ValTokens:N0} tokens ({c.TrainTrainedTokens + c.ValTrainedTokens:N0} trained), {c.Truncated} truncated");
        Directory.Delete(_work, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "build-chat gpt2, one thread")]
    public long BuildGpt2OneThread() => Build(1);

    [Benchmark(Description = "build-chat gpt2, all cores")]
    public long BuildGpt2() => Build(Environment.ProcessorCount);

    private long Build(int threads)
    {
        var result = new ChatDatasetBuilder().FromFile(_input).WithTokenizer("gpt2").WithMaxLength(2048).WithTrainSplit(0.95).WithParallelism(threads).Force()
            .BuildAsync(Path.Combine(_work, "out")).GetAwaiter().GetResult();
        return result.Info.Counts.TrainTokens + result.Info.Counts.ValTokens;
    }
}

/// <summary>
/// Makes an Alpaca JSON list of any size from the GSM8K and seed-task samples kept in tests/Trm.Data.Tests/Data: record k
/// is base record k mod n with a varied instruction prefix, a varied number in the text and a varied closing line.
/// </summary>
public static class AlpacaCorpus
{
    private static readonly string[] Prefixes = ["", "Please answer: ", "Question: ", "Solve this: ", "Help me with this. ", "Task: ", "Think step by step. "];
    private static readonly string[] Closings = ["", " Hope this helps!", " Let me know if you need more detail.", " That is the answer.", " Done."];

    /// <summary>Writes <paramref name="count"/> records to <paramref name="path"/> as a JSON list.</summary>
    public static void Write(string path, int count)
    {
        var bases = LoadBases();
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartArray();
        for (var k = 0; k < count; k++)
        {
            var (instruction, input, output) = bases[k % bases.Count];
            var round = k / bases.Count;
            writer.WriteStartObject();
            writer.WriteString("instruction", Prefixes[round % Prefixes.Length] + instruction.Replace(" 2 ", $" {2 + round % 9} "));
            writer.WriteString("input", input);
            writer.WriteString("output", output + Closings[(k + round) % Closings.Length]);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static List<(string Instruction, string Input, string Output)> LoadBases()
    {
        var data = FindData();
        var bases = new List<(string, string, string)>();
        foreach (var line in File.ReadLines(Path.Combine(data, "gsm8k", "train-200.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            bases.Add((doc.RootElement.GetProperty("question").GetString()!, "", doc.RootElement.GetProperty("answer").GetString()!));
        }
        foreach (var line in File.ReadLines(Path.Combine(data, "alpaca-seed", "seed_tasks.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var instruction = doc.RootElement.GetProperty("instruction").GetString()!;
            foreach (var instance in doc.RootElement.GetProperty("instances").EnumerateArray())
                bases.Add((instruction, instance.GetProperty("input").GetString()!, instance.GetProperty("output").GetString()!));
        }
        return bases;
    }

    private static string FindData()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "Trm.Data.Tests", "Data");
                if (Directory.Exists(candidate))
                    return candidate;
            }
        }
        throw new DirectoryNotFoundException("tests/Trm.Data.Tests/Data not found; run the benchmarks from the repository.");
    }
}
