namespace Trm.Torch.Optim;

/// <summary>A learning-rate schedule: the rate to use at an optimizer step (see <see cref="WarmupCosineSchedule"/>).</summary>
public interface ILrSchedule
{
    /// <summary>The learning rate at <paramref name="step"/>.</summary>
    double LearningRate(long step);
}
