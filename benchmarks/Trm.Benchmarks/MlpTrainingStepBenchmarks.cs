using BenchmarkDotNet.Attributes;
using Trm.Torch;
using Trm.Torch.Nn;
using Trm.Torch.Optim;

namespace Trm.Benchmarks;

// Inside a Trm.* namespace, "Torch" would name the namespace Trm.Torch; this alias makes it the static class.

/// <summary>
/// One training step of a 2-layer MLP (Linear → ReLU → Linear, cross entropy, backward, AdamW), the same model and sizes as
/// eng/bench/mlp_step.py runs in PyTorch; eng/bench/run-cpu-overhead.sh prints the .NET/Python ratio.
/// </summary>
[Config(typeof(InProcessConfig))]
public class MlpTrainingStepBenchmarks
{
    /// <summary>"tiny": batch 32, 32→64→10 (overhead-bound); "small": batch 128, 256→512→10 (compute-bound).</summary>
    [Params("tiny", "small")]
    public string Size { get; set; } = "tiny";

    private Linear _fc1 = null!, _fc2 = null!;
    private AdamW _optimizer = null!;
    private Tensor _x = null!, _y = null!;

    internal static (int Batch, int In, int Hidden, int Out) Dims(string size) => size switch
    {
        "tiny" => (32, 32, 64, 10),
        "small" => (128, 256, 512, 10),
        _ => throw new ArgumentException($"unknown size {size}"),
    };

    [GlobalSetup]
    public void Setup()
    {
        InProcessConfig.ApplyThreads();
        var (batch, inputs, hidden, outputs) = Dims(Size);
        using var g = new Generator(0);
        _fc1 = new Linear(inputs, hidden, generator: g);
        _fc2 = new Linear(hidden, outputs, generator: g);
        _optimizer = new AdamW(_fc1.Parameters().Concat(_fc2.Parameters()), lr: 1e-3);
        _x = Tensors.Randn([batch, inputs], g);
        _y = Tensors.RandInt(0, outputs, [batch], g);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _optimizer.Dispose();
        _fc1.Dispose();
        _fc2.Dispose();
        _x.Dispose();
        _y.Dispose();
    }

    [Benchmark(Description = "MLP training step")]
    public void TrainingStep()
    {
        using var scope = Engine.NewDisposeScope();
        var loss = F.CrossEntropy(_fc2.Forward(_fc1.Forward(_x).Relu()), _y);
        _optimizer.ZeroGrad();
        loss.Backward();
        _optimizer.Step();
    }
}
