using Trm.Torch;

namespace Trm.Torch.Tests;

public class TensorTests
{
    [Test]
    public void FromArrayRoundTripsShapeDtypeAndValues()
    {
        using var t = Tensors.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.That(t.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(t.DType, Is.EqualTo(DType.Float32));
        Assert.That(t.Device, Is.EqualTo(Device.Cpu));
        Assert.That(t.NumEl, Is.EqualTo(6));
        Assert.That(t.ToArray<float>(), Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void EveryDTypeRoundTrips()
    {
        using var scope = Engine.NewDisposeScope();
        Assert.That(Tensors.FromArray(new double[] { 1.5, -2 }).ToArray<double>(), Is.EqualTo(new[] { 1.5, -2 }));
        Assert.That(Tensors.FromArray(new long[] { long.MaxValue, -1 }).ToArray<long>(), Is.EqualTo(new[] { long.MaxValue, -1 }));
        Assert.That(Tensors.FromArray(new[] { 7, -8 }).ToArray<int>(), Is.EqualTo(new[] { 7, -8 }));
        Assert.That(Tensors.FromArray(new byte[] { 0, 255 }).ToArray<byte>(), Is.EqualTo(new byte[] { 0, 255 }));
        Assert.That(Tensors.FromArray(new[] { true, false }).ToArray<bool>(), Is.EqualTo(new[] { true, false }));
        Assert.That(Tensors.FromArray(new[] { (Half)0.5, (Half)(-3) }).ToArray<Half>(), Is.EqualTo(new[] { (Half)0.5, (Half)(-3) }));
        // bfloat16 keeps the top 16 bits of the float32 pattern: 1.0f = 0x3F800000 -> 0x3F80.
        var bf = Tensors.FromArray(new float[] { 1, -2 }).To(DType.BFloat16);
        Assert.That(bf.ToArray<ushort>(), Is.EqualTo(new ushort[] { 0x3F80, 0xC000 }));
        Assert.That(bf.To(DType.Float32).ToArray<float>(), Is.EqualTo(new float[] { 1, -2 }));
    }

    [Test]
    public void FactoriesProduceKnownValues()
    {
        using var scope = Engine.NewDisposeScope();
        Assert.That(Tensors.Zeros([2, 2]).ToArray<float>(), Is.All.EqualTo(0f));
        Assert.That(Tensors.Ones([3], DType.Int64).ToArray<long>(), Is.EqualTo(new long[] { 1, 1, 1 }));
        Assert.That(Tensors.Full([2], 2.5).ToArray<float>(), Is.EqualTo(new[] { 2.5f, 2.5f }));
        Assert.That(Tensors.Arange(2, 8, 2).ToArray<long>(), Is.EqualTo(new long[] { 2, 4, 6 }));
        Assert.That(Tensors.Scalar(3).Item<float>(), Is.EqualTo(3f));
    }

    [Test]
    public void SeededGeneratorsReproduceAndStateRestores()
    {
        using var scope = Engine.NewDisposeScope();
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        var a = Tensors.Randn([5], g1).ToArray<float>();
        var b = Tensors.Randn([5], g2).ToArray<float>();
        Assert.That(a, Is.EqualTo(b));
        var state = g1.GetState();
        var next = Tensors.Rand([4], g1).ToArray<float>();
        g1.SetState(state);
        Assert.That(Tensors.Rand([4], g1).ToArray<float>(), Is.EqualTo(next));
        var ints = Tensors.RandInt(3, 6, [1000], g1).ToArray<long>();
        Assert.That(ints.Min(), Is.EqualTo(3));
        Assert.That(ints.Max(), Is.EqualTo(5));
        Engine.ManualSeed(7);
        var m1 = Tensors.Rand([3]).ToArray<float>();
        Engine.ManualSeed(7);
        Assert.That(Tensors.Rand([3]).ToArray<float>(), Is.EqualTo(m1));
    }

    [Test]
    public void ShapeOpsMatchHandComputedLayouts()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Tensors.Arange(6).Reshape(2, 3); // [[0,1,2],[3,4,5]]
        Assert.That(t.Transpose(0, 1).Contiguous().ToArray<long>(), Is.EqualTo(new long[] { 0, 3, 1, 4, 2, 5 }));
        Assert.That(t.Permute(1, 0).Shape, Is.EqualTo(new long[] { 3, 2 }));
        Assert.That(t.View(3, 2).ToArray<long>(), Is.EqualTo(new long[] { 0, 1, 2, 3, 4, 5 }));
        Assert.That(t.Unsqueeze(0).Shape, Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(t.Unsqueeze(0).Squeeze(0).Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(t.Narrow(1, 1, 2).ToArray<long>(), Is.EqualTo(new long[] { 1, 2, 4, 5 }));
        Assert.That(t.Slice(1, 0, 3, 2).ToArray<long>(), Is.EqualTo(new long[] { 0, 2, 3, 5 }));
        Assert.That(t.Select(0, 1).ToArray<long>(), Is.EqualTo(new long[] { 3, 4, 5 }));
        Assert.That(t.Flatten().Shape, Is.EqualTo(new long[] { 6 }));
        Assert.That(Tensors.FromArray(new float[] { 1, 2 }, 2, 1).Expand(2, 3).ToArray<float>(), Is.EqualTo(new float[] { 1, 1, 1, 2, 2, 2 }));
        Assert.That(Tensors.Cat([t, t], 0).Shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(Tensors.Stack([t, t], 1).Shape, Is.EqualTo(new long[] { 2, 2, 3 }));
        var parts = t.Split(2, 1);
        Assert.That(parts.Select(p => p.Size(1)), Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(t.Chunk(2, 0)[1].ToArray<long>(), Is.EqualTo(new long[] { 3, 4, 5 }));
        var idx = Tensors.FromArray(new long[] { 2, 0 });
        Assert.That(t.IndexSelect(1, idx).ToArray<long>(), Is.EqualTo(new long[] { 2, 0, 5, 3 }));
        var gi = Tensors.FromArray(new long[] { 1, 0 }, 2, 1);
        Assert.That(t.Gather(1, gi).ToArray<long>(), Is.EqualTo(new long[] { 1, 3 }));
        var src = Tensors.FromArray(new long[] { 10, 20 }, 2, 1);
        Assert.That(t.Scatter(1, gi, src).ToArray<long>(), Is.EqualTo(new long[] { 0, 10, 2, 20, 4, 5 }));
        Assert.That(t.ScatterAdd(1, gi, src).ToArray<long>(), Is.EqualTo(new long[] { 0, 11, 2, 23, 4, 5 }));
        var mask = t.Gt(3);
        Assert.That(t.MaskedFill(mask, -1).ToArray<long>(), Is.EqualTo(new long[] { 0, 1, 2, 3, -1, -1 }));
        Assert.That(Tensors.Where(mask, t, Tensors.ZerosLike(t)).ToArray<long>(), Is.EqualTo(new long[] { 0, 0, 0, 0, 4, 5 }));
        Assert.That(F.Pad(Tensors.Ones([1, 2]), [1, 2], 9).ToArray<float>(), Is.EqualTo(new float[] { 9, 1, 1, 9, 9 }));
        Assert.That(t.Index(mask).ToArray<long>(), Is.EqualTo(new long[] { 4, 5 }));
    }

    [Test]
    public void ArithmeticOperatorsAndScalarsFollowPyTorch()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensors.FromArray(new float[] { 1, 2, 3 });
        var b = Tensors.FromArray(new float[] { 4, 5, 6 });
        Assert.That((a + b).ToArray<float>(), Is.EqualTo(new float[] { 5, 7, 9 }));
        Assert.That((a - b).ToArray<float>(), Is.EqualTo(new float[] { -3, -3, -3 }));
        Assert.That((a * b).ToArray<float>(), Is.EqualTo(new float[] { 4, 10, 18 }));
        Assert.That((b / a).ToArray<float>(), Is.EqualTo(new float[] { 4, 2.5f, 2 }));
        Assert.That((2 - a).ToArray<float>(), Is.EqualTo(new float[] { 1, 0, -1 }));
        Assert.That((6 / a).ToArray<float>(), Is.EqualTo(new float[] { 6, 3, 2 }));
        Assert.That((-a).ToArray<float>(), Is.EqualTo(new float[] { -1, -2, -3 }));
        Assert.That(a.Add(b, 2).ToArray<float>(), Is.EqualTo(new float[] { 9, 12, 15 }));
        Assert.That(a.Pow(2).ToArray<float>(), Is.EqualTo(new float[] { 1, 4, 9 }));
        // integer tensor + integral scalar stays int64, as `t + 1` does in PyTorch
        var i = Tensors.Arange(3) + 1;
        Assert.That(i.DType, Is.EqualTo(DType.Int64));
        Assert.That((i * 2.5).DType, Is.EqualTo(DType.Float32));
        Assert.That(a.Clamp(1.5, 2.5).ToArray<float>(), Is.EqualTo(new float[] { 1.5f, 2, 2.5f }));
        Assert.That(a.Sqrt().ToArray<float>()[3 - 2], Is.EqualTo(MathF.Sqrt(2)).Within(1e-6));
        Assert.That(a.Exp().Log().ToArray<float>(), Is.EqualTo(new float[] { 1, 2, 3 }).Within(1e-5));
        Assert.That(Tensors.FromArray(new float[] { -1, 0, 2 }).Relu().ToArray<float>(), Is.EqualTo(new float[] { 0, 0, 2 }));
        Assert.That(Tensors.FromArray(new float[] { 0 }).Sigmoid().Item<float>(), Is.EqualTo(0.5f));
        Assert.That(Tensors.FromArray(new float[] { 1 }).Silu().Item<float>(), Is.EqualTo(1 / (1 + Math.Exp(-1))).Within(1e-6));
        Assert.That(Tensors.FromArray(new float[] { 1 }).Gelu().Item<float>(), Is.EqualTo(0.8413447).Within(1e-6));
        Assert.That(a.Eq(b - 3).ToArray<bool>(), Is.EqualTo(new[] { true, true, true }));
        Assert.That(a.Lt(2).LogicalOr(a.Gt(2)).ToArray<bool>(), Is.EqualTo(new[] { true, false, true }));
    }

    [Test]
    public void ReductionsMatchHandComputedValues()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Tensors.FromArray(new float[] { 1, 5, 3, 4, 2, 6 }, 2, 3);
        Assert.That(t.Sum().Item<float>(), Is.EqualTo(21));
        Assert.That(t.Sum(1).ToArray<float>(), Is.EqualTo(new float[] { 9, 12 }));
        Assert.That(t.Sum(0, keepdim: true).Shape, Is.EqualTo(new long[] { 1, 3 }));
        Assert.That(t.Mean(new long[] { 0, 1 }).Item<float>(), Is.EqualTo(3.5f));
        Assert.That(t.Max().Item<float>(), Is.EqualTo(6));
        Assert.That(t.Max(1).ToArray<float>(), Is.EqualTo(new float[] { 5, 6 }));
        Assert.That(t.Min(0).ToArray<float>(), Is.EqualTo(new float[] { 1, 2, 3 }));
        Assert.That(t.ArgMax(1).ToArray<long>(), Is.EqualTo(new long[] { 1, 2 }));
        var (mv, mi) = t.MaxWithIndices(0);
        Assert.That(mv.ToArray<float>(), Is.EqualTo(new float[] { 4, 5, 6 }));
        Assert.That(mi.ToArray<long>(), Is.EqualTo(new long[] { 1, 0, 1 }));
        // var of [1,5,3] (unbiased) = ((−2)²+2²+0)/2 = 4
        Assert.That(t.Var(1).ToArray<float>()[0], Is.EqualTo(4).Within(1e-6));
        Assert.That(Tensors.FromArray(new float[] { 3, 4 }).Norm().Item<float>(), Is.EqualTo(5).Within(1e-6));
        Assert.That(t.CumSum(1).ToArray<float>(), Is.EqualTo(new float[] { 1, 6, 9, 4, 6, 12 }));
        var (tv, ti) = t.TopK(2, 1);
        Assert.That(tv.ToArray<float>(), Is.EqualTo(new float[] { 5, 3, 6, 4 }));
        Assert.That(ti.ToArray<long>(), Is.EqualTo(new long[] { 1, 2, 2, 0 }));
        var (sv, si) = t.Sort(1, descending: false);
        Assert.That(sv.ToArray<float>(), Is.EqualTo(new float[] { 1, 3, 5, 2, 4, 6 }));
        Assert.That(si.ToArray<long>(), Is.EqualTo(new long[] { 0, 2, 1, 1, 0, 2 }));
        Assert.That(t.Gt(5).Any().Item<bool>(), Is.True);
        Assert.That(t.Gt(0).All().Item<bool>(), Is.True);
    }

    [Test]
    public void MatMulBmmAndSoftmaxMatchHandComputedValues()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensors.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensors.FromArray(new float[] { 5, 6, 7, 8 }, 2, 2);
        Assert.That(a.MatMul(b).ToArray<float>(), Is.EqualTo(new float[] { 19, 22, 43, 50 }));
        Assert.That(a.Unsqueeze(0).Bmm(b.Unsqueeze(0)).ToArray<float>(), Is.EqualTo(new float[] { 19, 22, 43, 50 }));
        var s = Tensors.FromArray(new float[] { 0, (float)Math.Log(3) }).Softmax(0).ToArray<float>();
        Assert.That(s, Is.EqualTo(new float[] { 0.25f, 0.75f }).Within(1e-6));
        var ls = Tensors.FromArray(new float[] { 0, (float)Math.Log(3) }).LogSoftmax(0).ToArray<float>();
        Assert.That(ls[0], Is.EqualTo(Math.Log(0.25)).Within(1e-6));
    }

    [Test]
    public void MultinomialFollowsProbabilitiesAndSeed()
    {
        using var scope = Engine.NewDisposeScope();
        using var g = new Generator(3);
        var p = Tensors.FromArray(new float[] { 0, 1, 0 });
        Assert.That(p.Multinomial(4, replacement: true, generator: g).ToArray<long>(), Is.All.EqualTo(1L));
        var q = Tensors.FromArray(new float[] { 1, 3 });
        var draws = q.Multinomial(4000, replacement: true, generator: g).ToArray<long>();
        Assert.That(draws.Count(x => x == 1) / 4000.0, Is.EqualTo(0.75).Within(0.03));
    }

    [Test]
    public void InPlaceOpsMutate()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Tensors.Ones([3]);
        t.Add_(Tensors.FromArray(new float[] { 1, 2, 3 }), 2).Mul_(0.5);
        Assert.That(t.ToArray<float>(), Is.EqualTo(new float[] { 1.5f, 2.5f, 3.5f }));
        t.Lerp_(Tensors.Zeros([3]), 1.0);
        Assert.That(t.ToArray<float>(), Is.All.EqualTo(0f));
        t.Fill_(2).CopyFrom_(Tensors.Full([3], 4));
        Assert.That(t.ToArray<float>(), Is.All.EqualTo(4f));
        t.Zero_();
        Assert.That(t.Sum().Item<float>(), Is.EqualTo(0));
    }
}
