using System.Globalization;
using Trm.Inference.Puzzles;
using Trm.Torch;

namespace Trm.Inference.DependencyInjection;

/// <summary>Loads the registered solver from its options; a run folder stands for its latest complete <c>step_N</c>.</summary>
internal static class PuzzleSolverLoader
{
    public static PuzzleSolver Load(PuzzleSolverOptions options)
    {
        var solver = PuzzleSolver.Load(LatestStep(options.Checkpoint!), Device.Parse(options.Device));
        solver.StopAtHalt = options.StopAtHalt;
        return solver;
    }

    private static string LatestStep(string path)
    {
        if (!Directory.Exists(path) || File.Exists(Path.Combine(path, "model.safetensors"))) return path;
        string? latest = null;
        var latestStep = -1L;
        foreach (var directory in Directory.EnumerateDirectories(path, "step_*"))
        {
            if (long.TryParse(Path.GetFileName(directory).AsSpan("step_".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
                && step > latestStep && File.Exists(Path.Combine(directory, "manifest.json")))
            {
                (latest, latestStep) = (directory, step);
            }
        }
        // No step: PuzzleSolver.Load names the missing weights of the folder itself.
        return latest ?? path;
    }
}
