using Trm.Torch;
using Trm.Training.Optim;

namespace Trm.Training.Tests.Optim;

public sealed class ExponentialMovingAverageTests
{
    [Test]
    public void EmaFollowsTheClosedFormAndSwapsWeights()
    {
        using var module = new Probe();
        using var ema = new ExponentialMovingAverage(module, rate: 0.9);
        using (Engine.NoGrad()) module.Weight.Fill_(1.0);
        ema.Update(); // 0.9·0 + 0.1·1
        using (Engine.NoGrad()) module.Weight.Fill_(3.0);
        ema.Update(); // 0.9·0.1 + 0.1·3
        Assert.That(ema.Shadow["weight"].ToArray<float>(), Is.All.EqualTo(0.39f).Within(1e-6));
        using (ema.Apply())
        {
            Assert.That(module.Weight.ToArray<float>(), Is.All.EqualTo(0.39f).Within(1e-6));
        }
        Assert.That(module.Weight.ToArray<float>(), Is.All.EqualTo(3f));
    }

    [Test]
    public void LoadRejectsAMissingOrMisshapenTensor()
    {
        using var module = new Probe();
        using var ema = new ExponentialMovingAverage(module, rate: 0.9);
        using var wrong = Tensors.Zeros([3, 2]);
        var e = Assert.Throws<InvalidDataException>(() => ema.Load(new Dictionary<string, Tensor> { ["weight"] = wrong }))!;
        Assert.That(e.Message, Does.Contain("'weight' has shape [3, 2], expected [2, 3]"));
        e = Assert.Throws<InvalidDataException>(() => ema.Load(new Dictionary<string, Tensor>()))!;
        Assert.That(e.Message, Does.Contain("'weight' is missing"));
    }

    private sealed class Probe : Trm.Torch.Nn.Module
    {
        public Probe()
        {
            Weight = RegisterParameter("weight", Tensors.Zeros([2, 3], requiresGrad: true));
        }

        public Tensor Weight { get; }
    }
}
