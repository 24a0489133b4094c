using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Trm.Inference.Generation;
using Trm.Model;
using Trm.Model.Language;
using Trm.Tokenization;
using Trm.Torch;

namespace Trm.Benchmarks;

/// <summary>
/// Generation speed of the chat TRM (<see cref="TrmConfig.Chat"/>: hidden 384, 4 layers, 12 heads, H=1, L=1, float32 on
/// CPU; a 512-token vocabulary) with the KV cache against full recomputation of the window for every token (the TRM chat
/// fork's method), at 128 and 512 tokens of prompt: one greedy request of <see cref="NewTokens"/> new tokens, prompt
/// processing included (<see cref="Generate"/>), and decoding alone (<see cref="Decode"/>: the prompt already in the cache).
/// Tokens/s = NewTokens / mean.
/// </summary>
[Config(typeof(Config))]
[MinColumn]
[MedianColumn]
public class GenerationBenchmarks
{
    /// <summary>New tokens per request.</summary>
    public const int NewTokens = 16;

    private TrmModel _model = null!;
    private TextGenerator _generator = null!;
    private int[] _prompt = [];
    private TrmKvCache? _cache;

    /// <summary>Prompt tokens.</summary>
    [Params(128, 512)]
    public int Context { get; set; }

    /// <summary>"cache" or "recompute".</summary>
    [Params("cache", "recompute")]
    public string Mode { get; set; } = "cache";

    [GlobalSetup]
    public void GlobalSetup()
    {
        InProcessConfig.ApplyThreads();
        var tokenizer = CharTokenizer.Build(Enumerable.Range(0, 500).Select(i => ((char)(0x100 + i)).ToString()));
        var config = TrmConfig.Chat.ForDevice(Device.Cpu) with { VocabSize = 512, SeqLen = 1024 };
        _model = new TrmModel(config, new Generator(1));
        _generator = TextGenerator.CreateBuilder().WithModel(_model).WithTokenizer(tokenizer).WithKvCache(Mode == "cache").Build();
        var random = new Random(2);
        _prompt = Enumerable.Range(0, Context).Select(_ => random.Next(500)).ToArray();
    }

    /// <summary>One request: the prompt, then <see cref="NewTokens"/> greedy tokens (prompt processing included).</summary>
    [Benchmark]
    public int Generate() => _generator.Generate([_prompt], GenerationOptions.Greedy with { MaxNewTokens = NewTokens })[0].TokenIds.Count;

    /// <summary>With the cache: a fresh cache holding the prompt (prompt processing is not timed by <see cref="Decode"/>).</summary>
    [IterationSetup(Target = nameof(Decode))]
    public void PrefillCache()
    {
        _cache?.Dispose();
        _cache = null;
        if (Mode != "cache") return;
        using var scope = Trm.Torch.Engine.NewDisposeScope();
        using var noGrad = Trm.Torch.Engine.NoGrad();
        _cache = _model.CreateKvCache(1, Context + NewTokens);
        _model.LmForward(Tensors.FromArray(_prompt.Select(i => (long)i).ToArray(), 1, Context), cache: _cache);
    }

    /// <summary>
    /// Decoding alone: <see cref="NewTokens"/> greedy tokens after the prompt — one position per token through the cache,
    /// or the whole window per token without it.
    /// </summary>
    [Benchmark]
    public long Decode()
    {
        using var noGrad = Trm.Torch.Engine.NoGrad();
        var sequence = _prompt.Select(i => (long)i).ToList();
        for (int i = 0; i < NewTokens; i++)
        {
            using var scope = Trm.Torch.Engine.NewDisposeScope();
            var logits = _cache is null
                ? _model.LmForward(Tensors.FromArray(sequence.ToArray(), 1, sequence.Count)).Select(1, sequence.Count - 1)
                : _model.LmForward(Tensors.FromArray(new[] { sequence[^1] }, 1, 1), cache: _cache).Select(1, 0);
            sequence.Add(logits.ArgMax(-1).Item<long>());
        }

        return sequence[^1];
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _cache?.Dispose();
        _generator.Dispose();
        _model.Dispose();
    }

    /// <summary>In process, one request per iteration, few iterations: a recomputed request at 512 takes seconds.</summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithWarmupCount(1)
                .WithIterationCount(5)
                .WithInvocationCount(1)
                .WithUnrollFactor(1)
                .WithId("Generation"));
        }
    }
}
