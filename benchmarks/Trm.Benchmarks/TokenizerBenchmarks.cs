using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Trm.Tokenization;
using Trm.Tokenization.Interop;

namespace Trm.Benchmarks;

/// <summary>
/// GPT-2 tokenization throughput on tiny Shakespeare and on a mixed-script text (the same files eng/bench/tiktoken-bench.mjs
/// times npm tiktoken on; eng/bench/run-tokenizer.sh runs both and prints the ratio). The MB/s column is UTF-8 input bytes
/// per second of one operation over the whole text.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private string _text = "";
    private string[] _lines = [];
    private int[] _ids = [];
    private Tokenizer _cached = null!;
    private Tokenizer _uncached = null!;
    private Microsoft.ML.Tokenizers.Tokenizer _mlTiktoken = null!;
    private Microsoft.ML.Tokenizers.Tokenizer _mlAdapter = null!;

    /// <summary>Which text: <c>tinyshakespeare</c> or <c>mixed-script</c>.</summary>
    [Params("tinyshakespeare", "mixed-script")]
    public string Corpus { get; set; } = "tinyshakespeare";

    [GlobalSetup]
    public void Setup()
    {
        _text = LoadCorpus(Corpus);
        _lines = _text.Split('\n');
        _cached = Gpt2Tokenizer.Create();
        _uncached = Gpt2Tokenizer.Create(cacheCapacity: 0);
        _ids = _cached.EncodeToIds(_text);
        _mlTiktoken = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForModel("gpt2");
        _mlAdapter = _cached.AsMLTokenizer();
    }

    /// <summary>One thread, whole text, piece cache on (the default tokenizer).</summary>
    [Benchmark(Baseline = true)]
    public int Encode() => _cached.EncodeToIds(_text).Length;

    /// <summary>One thread, whole text, no piece cache (every piece that is not one token is merged afresh, like tiktoken).</summary>
    [Benchmark]
    public int EncodeNoCache() => _uncached.EncodeToIds(_text).Length;

    /// <summary>Peer: Microsoft.ML.Tokenizers 2.0.1's GPT-2 (<c>TiktokenTokenizer.CreateForModel("gpt2")</c>), one thread, whole text.</summary>
    [Benchmark]
    public int MLTokenizersTiktoken() => _mlTiktoken.EncodeToIds(_text).Count;

    /// <summary>Ours through Microsoft.ML.Tokenizers' abstraction (<c>AsMLTokenizer()</c>), one thread, whole text.</summary>
    [Benchmark]
    public int EncodeViaMLTokenizer() => _mlAdapter.EncodeToIds(_text).Count;

    /// <summary>One thread, counting only.</summary>
    [Benchmark]
    public int CountTokens() => _cached.CountTokens(_text);

    /// <summary>All cores, one text per line (the dataset-building path).</summary>
    [Benchmark]
    public int EncodeBatchLines() => _cached.EncodeBatch(_lines).Length;

    /// <summary>One thread, ids back to the whole text.</summary>
    [Benchmark]
    public int Decode() => _cached.Decode(_ids).Length;

    /// <summary>Loads a benchmark text from the repository (found by walking up to Trm.Sdk.sln).</summary>
    public static string LoadCorpus(string name)
    {
        string root = FindRepoRoot();
        string path = name switch
        {
            "tinyshakespeare" => Path.Combine(root, "tests/Trm.Tokenization.Tests/Data/tinyshakespeare/input.txt.gz"),
            "mixed-script" => Path.Combine(root, "benchmarks/data/mixed-script.txt.gz"),
            _ => throw new ArgumentException($"Unknown corpus '{name}'.", nameof(name)),
        };
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string FindRepoRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Trm.Sdk.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new DirectoryNotFoundException("Cannot find the repository root (Trm.Sdk.sln) above " + AppContext.BaseDirectory);
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn());
    }

    /// <summary>MB/s of UTF-8 input (decode: of UTF-8 output) for one operation over the whole corpus.</summary>
    private sealed class ThroughputColumn : IColumn
    {
        private static readonly Dictionary<string, long> s_bytes = new();

        public string Id => "TokenizerMBps";
        public string ColumnName => "MB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Megabytes (10^6) of UTF-8 text per second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is null)
            {
                return "-";
            }
            string corpus = (string)benchmarkCase.Parameters["Corpus"];
            long bytes;
            lock (s_bytes)
            {
                if (!s_bytes.TryGetValue(corpus, out bytes))
                {
                    bytes = s_bytes[corpus] = Encoding.UTF8.GetByteCount(LoadCorpus(corpus));
                }
            }
            return (bytes / (report.ResultStatistics.Mean / 1e9) / 1e6).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
