#:project ../../src/Trm.Tokenization/Trm.Tokenization.csproj
#:property OutputType=Exe
// Times Trm.Tokenization's GPT-2 encoder on one thread by wall clock AND by CPU time (robust on a busy, shared machine),
// the same way eng/bench/tiktoken-bench.mjs times npm tiktoken. Run: dotnet run eng/bench/TokenizerCpuBench.cs -- FILE...
// Prints one JSON line per file and mode: {name, mode, bytes, tokens, passes, wallSeconds, cpuSeconds, wallMBps, cpuMBps}.
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Trm.Tokenization;

double minSeconds = double.Parse(Environment.GetEnvironmentVariable("BENCH_MIN_SECONDS") ?? "3", System.Globalization.CultureInfo.InvariantCulture);
var process = Process.GetCurrentProcess();
foreach (string file in args)
{
    byte[] raw = File.ReadAllBytes(file);
    if (file.EndsWith(".gz", StringComparison.Ordinal))
    {
        using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        raw = buffer.ToArray();
    }
    string text = Encoding.UTF8.GetString(raw);
    string name = Path.GetFileName(file).Replace(".gz", "", StringComparison.Ordinal);
    foreach (var (mode, tokenizer) in new[] { ("Encode", Gpt2Tokenizer.Create()), ("EncodeNoCache", Gpt2Tokenizer.Create(0)) })
    {
        int tokens = 0;
        for (int i = 0; i < 5; i++)
        {
            tokens = tokenizer.EncodeToIds(text).Length; // warm-up (JIT tiers, cache)
        }
        var wall = new List<double>();
        var cpu = new List<double>();
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < minSeconds || wall.Count < 5)
        {
            process.Refresh();
            TimeSpan cpu0 = process.TotalProcessorTime;
            long t0 = Stopwatch.GetTimestamp();
            tokens = tokenizer.EncodeToIds(text).Length;
            wall.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpu0).TotalSeconds);
        }
        wall.Sort();
        cpu.Sort();
        double w = wall[wall.Count / 2], c = cpu[cpu.Count / 2];
        Console.WriteLine(FormattableString.Invariant(
            $"{{\"name\":\"{name}\",\"mode\":\"{mode}\",\"bytes\":{raw.Length},\"tokens\":{tokens},\"passes\":{wall.Count},\"wallSeconds\":{w},\"cpuSeconds\":{c},\"wallMBps\":{raw.Length / w / 1e6},\"cpuMBps\":{raw.Length / c / 1e6}}}"));
    }
}
