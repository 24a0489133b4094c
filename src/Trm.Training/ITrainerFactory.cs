namespace Trm.Training;

/// <summary>
/// Builds <see cref="Trainer"/>s from the training options bound by <c>services.AddTrmTraining(...)</c>
/// (<c>IOptions&lt;TrainConfig&gt;</c>), logging through an <c>ILogger&lt;Trainer&gt;</c> from the container's
/// <c>ILoggerFactory</c>. Thread-safe; each call builds a new trainer, which the caller disposes.
/// </summary>
public interface ITrainerFactory
{
    /// <summary>Builds a trainer from the current options, after <paramref name="configure"/> has adjusted the builder.</summary>
    /// <param name="configure">Changes to the builder (handlers, limits, a device...), or <see langword="null"/>.</param>
    /// <returns>A new trainer (datasets opened, model built, resumed when <c>load_checkpoint</c> is set).</returns>
    /// <exception cref="Trm.Model.Configuration.TrmConfigException">The options are invalid.</exception>
    Trainer Create(Action<TrainerBuilder>? configure = null);
}
