namespace Trm.Inference.Puzzles;

/// <summary>
/// Where the puzzle solver registered by <c>services.AddTrmPuzzleSolver(...)</c> loads its model from and how it runs.
/// Configuration keys: <c>checkpoint</c>, <c>device</c>, <c>stop_at_halt</c>, <c>halt_threshold</c> (or the property names).
/// </summary>
public sealed class PuzzleSolverOptions
{
    /// <summary>
    /// A <c>step_N</c> checkpoint folder, a <c>.safetensors</c> file with <c>trm_config</c> metadata, or a run folder (its
    /// <c>step_N</c> with the highest N that has a <c>manifest.json</c>, so a solver can follow the latest checkpoint of a run).
    /// </summary>
    public string? Checkpoint { get; set; }

    /// <summary>Device to run on: <c>cpu</c> (the default), <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>
    /// ACT early stopping (<see cref="PuzzleSolver.StopAtHalt"/>): stop each puzzle at its first step whose halting
    /// probability exceeds <see cref="HaltThreshold"/>. Default false: every step runs, as evaluation does.
    /// </summary>
    public bool StopAtHalt { get; set; }

    /// <summary>Halting probability for early stopping (<see cref="PuzzleSolver.HaltThreshold"/>), in [0.5, 1); default 0.9.</summary>
    public double HaltThreshold { get; set; } = PuzzleSolver.DefaultHaltThreshold;
}
