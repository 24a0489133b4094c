using Trm.Torch;
using Trm.Torch.Nn;

namespace Trm.Torch.Tests;

public class ModuleTests
{
    private sealed class Mlp : Module<Tensor, Tensor>
    {
        public Mlp(Generator g)
        {
            Fc1 = RegisterModule("fc1", new Linear(4, 8, generator: g));
            Norm = RegisterModule("norm", new RmsNorm(8));
            Fc2 = RegisterModule("fc2", new Linear(8, 3, bias: false, generator: g));
            Steps = RegisterBuffer("steps", Tensors.Zeros([1], DType.Int64));
            RegisterBuffer("scratch", Tensors.Zeros([2]), persistent: false);
        }

        public Linear Fc1 { get; }
        public RmsNorm Norm { get; }
        public Linear Fc2 { get; }
        public Tensor Steps { get; }

        public override Tensor Forward(Tensor x)
        {
            using var scope = Engine.NewDisposeScope();
            return scope.MoveToOuter(Fc2.Forward(Norm.Forward(Fc1.Forward(x)).Relu()));
        }
    }

    [Test]
    public void NamesFollowRegistrationOrder()
    {
        using var g = new Generator(1);
        using var m = new Mlp(g);
        Assert.That(m.NamedParameters().Select(p => p.Key), Is.EqualTo(new[] { "fc1.weight", "fc1.bias", "norm.weight", "fc2.weight" }));
        Assert.That(m.NamedBuffers().Select(p => p.Key), Is.EqualTo(new[] { "steps", "scratch" }));
        Assert.That(m.StateDict().Keys, Is.EquivalentTo(new[] { "fc1.weight", "fc1.bias", "norm.weight", "fc2.weight", "steps" }));
        Assert.That(m.NamedModules().Select(p => p.Key), Is.EqualTo(new[] { "", "fc1", "norm", "fc2" }));
        Assert.That(m.ParameterCount(), Is.EqualTo(4 * 8 + 8 + 8 + 8 * 3));
        Assert.That(m.Parameters().All(p => p.RequiresGrad), Is.True);
    }

    [Test]
    public void LinearInitIsBoundedAndForwardMatchesFunctional()
    {
        using var scope = Engine.NewDisposeScope();
        using var g = new Generator(2);
        using var lin = new Linear(100, 50, generator: g);
        double bound = 1 / Math.Sqrt(100);
        Assert.That(lin.Weight.Abs().Max().Item<float>(), Is.LessThanOrEqualTo(bound));
        Assert.That(lin.Weight.Abs().Max().Item<float>(), Is.GreaterThan(bound * 0.9));
        var x = Tensors.Randn([3, 100], g);
        Assert.That(lin.Forward(x).AllClose(x.MatMul(lin.Weight.Transpose(0, 1)) + lin.Bias!, 1e-5, 1e-6), Is.True);
    }

    [Test]
    public void StateDictRoundTripsIntoAFreshModule()
    {
        using var scope = Engine.NewDisposeScope();
        using var g1 = new Generator(1);
        using var g2 = new Generator(2);
        using var a = new Mlp(g1);
        using var b = new Mlp(g2);
        a.Steps.Fill_(7);
        var x = Tensors.Randn([2, 4], g1);
        Assert.That(a.Forward(x).AllClose(b.Forward(x)), Is.False);
        var result = b.LoadStateDict(a.StateDict());
        Assert.That(result.MissingKeys, Is.Empty);
        Assert.That(b.Forward(x).Equal(a.Forward(x)), Is.True);
        Assert.That(b.Steps.Item<long>(), Is.EqualTo(7));
    }

    [Test]
    public void StrictLoadNamesMissingUnexpectedAndMismatchedKeys()
    {
        using var scope = Engine.NewDisposeScope();
        using var g = new Generator(1);
        using var m = new Mlp(g);
        var sd = new Dictionary<string, Tensor>(m.StateDict());
        sd.Remove("fc2.weight");
        sd["extra.thing"] = Tensors.Zeros([1]);
        var ex = Assert.Throws<ArgumentException>(() => m.LoadStateDict(sd))!;
        Assert.That(ex.Message, Does.Contain("missing keys: fc2.weight").And.Contain("unexpected keys: extra.thing"));
        var lenient = m.LoadStateDict(sd, strict: false);
        Assert.That(lenient.MissingKeys, Is.EqualTo(new[] { "fc2.weight" }));
        Assert.That(lenient.UnexpectedKeys, Is.EqualTo(new[] { "extra.thing" }));
        sd["fc1.bias"] = Tensors.Zeros([9]);
        var shape = Assert.Throws<ArgumentException>(() => m.LoadStateDict(sd, strict: false))!;
        Assert.That(shape.Message, Does.Contain("fc1.bias: checkpoint [9] vs model [8]"));
    }

    [Test]
    public void ToDTypeKeepsIdentityAndTrainEvalPropagates()
    {
        using var g = new Generator(1);
        using var m = new Mlp(g);
        Tensor w = m.Fc1.Weight;
        m.To(DType.Float64);
        Assert.That(m.Fc1.Weight, Is.SameAs(w));
        Assert.That(w.DType, Is.EqualTo(DType.Float64));
        Assert.That(w.RequiresGrad, Is.True);
        Assert.That(m.Steps.DType, Is.EqualTo(DType.Int64), "integer buffers keep their dtype");
        m.Eval();
        Assert.That(m.Fc1.IsTraining || m.Norm.IsTraining, Is.False);
        m.Train();
        Assert.That(m.Fc2.IsTraining, Is.True);
    }

    [Test]
    public void TruncNormalStaysInBoundsWithTruncatedStd()
    {
        using var scope = Engine.NewDisposeScope();
        using var g = new Generator(3);
        var t = Init.TruncNormal_(Tensors.Empty([200_000]), std: 0.5, generator: g);
        Assert.That(t.Abs().Max().Item<float>(), Is.LessThanOrEqualTo(1.0f));
        // std of N(0,1) truncated to [-2, 2] is 0.87962
        Assert.That(Math.Sqrt(t.Var().Item<double>()), Is.EqualTo(0.5 * 0.87962).Within(0.003));
        Assert.That(t.Mean().Item<double>(), Is.EqualTo(0).Within(0.005));
    }
}
