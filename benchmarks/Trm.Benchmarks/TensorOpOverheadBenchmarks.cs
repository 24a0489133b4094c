using BenchmarkDotNet.Attributes;
using Trm.Torch;

namespace Trm.Benchmarks;

// Inside a Trm.* namespace, "Torch" would name the namespace Trm.Torch; this alias makes it the static class.

/// <summary>Per-op cost on tiny tensors: what the binding adds on top of libtorch's dispatch (compare eng/bench/mlp_step.py --ops).</summary>
[Config(typeof(InProcessConfig))]
public class TensorOpOverheadBenchmarks
{
    private Tensor _a = null!, _b = null!, _m = null!;

    [GlobalSetup]
    public void Setup()
    {
        InProcessConfig.ApplyThreads();
        _a = Tensors.Ones([4]);
        _b = Tensors.Ones([4]);
        _m = Tensors.Ones([4, 4]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose();
        _b.Dispose();
        _m.Dispose();
    }

    [Benchmark(Description = "add [4]+[4]")]
    public void Add()
    {
        using var c = _a + _b;
    }

    [Benchmark(Description = "matmul [4,4]x[4,4]")]
    public void MatMul()
    {
        using var c = _m.MatMul(_m);
    }

    [Benchmark(Description = "sum [4] -> item")]
    public float SumItem()
    {
        using var s = _a.Sum();
        return s.Item<float>();
    }

    [Benchmark(Description = "3 ops in a dispose scope")]
    public void ScopedOps()
    {
        using var scope = Engine.NewDisposeScope();
        _ = (_a + _b) * _a - _b;
    }
}
