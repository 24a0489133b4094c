using Trm.Inference.Puzzles;
using Trm.Torch;

namespace Trm.Inference.DependencyInjection;

/// <summary>Loads the registered solver from its options (a run folder stands for its latest complete <c>step_N</c>, as <see cref="Trm.Model.Checkpoints.TrmCheckpoint.Open"/> resolves it).</summary>
internal static class PuzzleSolverLoader
{
    public static PuzzleSolver Load(PuzzleSolverOptions options)
    {
        var solver = PuzzleSolver.Load(options.Checkpoint!, Device.Parse(options.Device));
        solver.StopAtHalt = options.StopAtHalt;
        solver.HaltThreshold = options.HaltThreshold;
        return solver;
    }
}
