namespace Trm.Torch.Optim;

/// <summary>A learning-rate schedule: the rate to use at a (0-based) optimizer step.</summary>
public interface ILrSchedule
{
    /// <summary>The learning rate at <paramref name="step"/>.</summary>
    double LearningRate(long step);
}
