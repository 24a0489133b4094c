// Trains a 2-layer MLP with Trm.Torch on a synthetic task: classify points of three interleaved spirals.
// Shows the everyday loop: a dispose scope per step, forward, cross-entropy, backward, AdamW, accuracy under NoGrad.
using System.Diagnostics;
using Trm.Torch;
using Trm.Torch.Nn;
using Trm.Torch.Optim;

const int Classes = 3, PointsPerClass = 300, Hidden = 128, Steps = 600;
Engine.ManualSeed(0);
using var gen = new Generator(0);

// Data: three spirals in 2-D (x, y) with a little noise; labels are the spiral index.
var (inputs, labels) = Spirals(PointsPerClass, Classes, gen);

using var model = new Mlp(2, Hidden, Classes, gen);
using var optimizer = new AdamW(model.Parameters(), lr: 1e-2, weightDecay: 1e-4);
var schedule = new WarmupCosineSchedule(BaseLr: 1e-2, WarmupSteps: 20, TotalSteps: Steps, MinRatio: 0.1);

Console.WriteLine($"Trm.Torch on libtorch {Engine.Version}, {Engine.NumThreads} threads; {model.ParameterCount()} parameters");
var clock = Stopwatch.StartNew();
for (int step = 0; step <= Steps; step++)
{
    using var scope = Engine.NewDisposeScope();
    optimizer.SetLearningRate(schedule.LearningRate(step));
    var loss = F.CrossEntropy(model.Forward(inputs), labels);
    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
    if (step % 50 == 0)
    {
        double accuracy;
        using (Engine.NoGrad()) accuracy = model.Forward(inputs).ArgMax(1).Eq(labels).To(DType.Float32).Mean().Item<double>();
        Console.WriteLine($"step {step,4}  loss {loss.Item<float>():F4}  accuracy {accuracy:P1}");
    }
}
Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s; live tensors: {Engine.LiveTensorCount}");
inputs.Dispose();
labels.Dispose();

static (Tensor Inputs, Tensor Labels) Spirals(int perClass, int classes, Generator g)
{
    using var scope = Engine.NewDisposeScope();
    var r = Tensors.Arange(perClass, DType.Float32) / perClass;                      // radius 0..1
    var parts = new List<Tensor>();
    var labelParts = new List<Tensor>();
    for (int c = 0; c < classes; c++)
    {
        var theta = r * 4.0 + 2 * Math.PI * c / classes + Tensors.Randn([perClass], g) * 0.15;
        parts.Add(Tensors.Stack([r * theta.Sin(), r * theta.Cos()], 1));
        labelParts.Add(Tensors.Full([perClass], c, DType.Int64));
    }
    return (scope.MoveToOuter(Tensors.Cat(parts, 0)), scope.MoveToOuter(Tensors.Cat(labelParts, 0)));
}

/// <summary>Linear → ReLU → Linear.</summary>
sealed class Mlp : Module<Tensor, Tensor>
{
    private readonly Linear _fc1, _fc2;

    public Mlp(int inputs, int hidden, int outputs, Generator g)
    {
        _fc1 = RegisterModule("fc1", new Linear(inputs, hidden, generator: g));
        _fc2 = RegisterModule("fc2", new Linear(hidden, outputs, generator: g));
    }

    public override Tensor Forward(Tensor x) => _fc2.Forward(_fc1.Forward(x).Relu());
}
