namespace Trm.Inference.Puzzles;

/// <summary>
/// Where the puzzle solver registered by <c>services.AddTrmPuzzleSolver(...)</c> loads its model from and how it runs.
/// Configuration keys: <c>checkpoint</c>, <c>device</c>, <c>stop_at_halt</c> (or the property names).
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

    /// <summary>Stop each puzzle at its first positive halting logit (<see cref="PuzzleSolver.StopAtHalt"/>, default true).</summary>
    public bool StopAtHalt { get; set; } = true;
}
