using BenchmarkDotNet.Attributes;
using Trm.Model;
using Trm.Torch;
using Trm.Torch.Optim;
using static Trm.Torch.Engine;

namespace Trm.Benchmarks;

/// <summary>
/// One causal language-model training step of the chat TRM: <see cref="TrmModel.LmForward(Tensor, Tensor?, Trm.Model.Language.TrmKvCache?, int)"/>
/// over [batch 8, 128 tokens], cross-entropy on the unmasked targets (the first 16–64 positions of each row are masked
/// with -100, as a prompt under the assistant-only mask), backward, and one AdamW update (lr 3e-4, β (0.9, 0.95),
/// weight decay 0.1: the chat fork's optimizer). Shapes: hidden 128, 4 heads, 4 layers (the presets' depth),
/// expansion 4, float32, RoPE. Setups: <c>chat</c> (<see cref="TrmConfig.Chat"/>: H=1, L=1, one application of the
/// stack) and <c>chat-recursive</c> (<see cref="TrmConfig.ChatRecursive"/>: H=3, L=4, one ACT step per training step
/// — 15 applications of the stack, the first 10 without gradients), each with a 65-token (tiny Shakespeare
/// characters) and a 50,257-token (GPT-2) vocabulary.
/// Peer: <c>peers/chat_trm_peer.py</c>, the same model and step in PyTorch eager.
/// </summary>
[MemoryDiagnoser(false)]
[MinColumn]
[MedianColumn]
public class ChatTrainingStepBenchmarks
{
    /// <summary>Rows per batch.</summary>
    public const int Batch = 8;

    /// <summary>Tokens per row.</summary>
    public const int SeqLen = 128;

    /// <summary>Ignored target id (the masked positions).</summary>
    public const long IgnoreIndex = -100;

    private TrmModel _model = null!;
    private AdamW _optimizer = null!;
    private Tensor _inputs = null!;
    private Tensor _targets = null!;

    /// <summary>"chat" or "chat-recursive".</summary>
    [Params("chat", "chat-recursive")]
    public string Setup { get; set; } = "chat";

    /// <summary>Vocabulary size: 65 (tiny Shakespeare characters) or 50257 (GPT-2).</summary>
    [Params(65, 50257)]
    public int Vocab { get; set; } = 65;

    /// <summary>The model's configuration for a setup and vocabulary (shared with the learning comparison's sizes).</summary>
    public static TrmConfig ConfigFor(string setup, int vocab) =>
        (setup == "chat-recursive" ? TrmConfig.ChatRecursive : TrmConfig.Chat).ForDevice(Device.Cpu) with
        {
            VocabSize = vocab,
            SeqLen = SeqLen,
            HiddenSize = 128,
            NumHeads = 4,
        };

    [GlobalSetup]
    public void GlobalSetup()
    {
        InProcessConfig.ApplyThreads();
        _model = new TrmModel(ConfigFor(Setup, Vocab), new Generator(0));
        _model.Train();
        _optimizer = new AdamW(_model.Parameters(), lr: 3e-4, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1);

        var g = new Generator(1);
        _inputs = Tensors.RandInt(0, Vocab, [Batch, SeqLen], g).DetachFromDisposeScope();
        var targets = new long[Batch * SeqLen];
        var random = new Random(2);
        for (int b = 0; b < Batch; b++)
        {
            int prompt = 16 * (1 + b % 4); // 16, 32, 48, 64 masked positions
            for (int t = 0; t < SeqLen; t++) targets[b * SeqLen + t] = t < prompt ? IgnoreIndex : random.Next(Vocab);
        }

        _targets = Tensors.FromArray(targets, Batch, SeqLen).DetachFromDisposeScope();
        Console.WriteLine($"// chat training step {Setup}, vocab {Vocab}: libtorch {Engine.Version}, {Engine.NumThreads} intra-op threads, " +
                          $"{Engine.NumBlasThreads} OpenBLAS threads, {_model.ParameterCount():N0} parameters");
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _optimizer.Dispose();
        _inputs.Dispose();
        _targets.Dispose();
        _model.Dispose();
    }

    /// <summary>Forward (one ACT step), masked cross-entropy, backward, AdamW update.</summary>
    [Benchmark]
    public void TrainingStep()
    {
        using var scope = NewDisposeScope();
        _optimizer.ZeroGrad();
        var logits = _model.LmForward(_inputs, null, null, steps: 1);
        var loss = F.CrossEntropy(logits.View(-1, Vocab), _targets.View(-1), IgnoreIndex);
        loss.Backward();
        _optimizer.Step();
    }
}
