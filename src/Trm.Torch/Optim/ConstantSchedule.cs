namespace Trm.Torch.Optim;

/// <summary>The same rate at every step.</summary>
/// <param name="BaseLr">The rate.</param>
public sealed record ConstantSchedule(double BaseLr) : ILrSchedule
{
    /// <inheritdoc/>
    public double LearningRate(long step) => BaseLr;
}
