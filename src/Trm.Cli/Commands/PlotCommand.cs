using System.CommandLine;
using Trm.Training.Metrics;
using Trm.Visualization;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm plot runs/x/metrics.jsonl [-o curve.png]</c>: draws loss, accuracy, learning rate and halting steps against
/// the step (training as lines, evaluation as markers) into a PNG or SVG; several metrics files (e.g. two trainers'
/// runs) go into one picture, labelled with <c>--label</c>, training values optionally smoothed with <c>--smooth N</c>.
/// </summary>
public static class PlotCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var metrics = new Argument<string[]>("metrics") { Description = "A metrics.jsonl file written by trm train (or the trainer); several are drawn into one picture.", Arity = ArgumentArity.OneOrMore };
        var labels = new Option<string[]>("--label") { Description = "Name of each metrics file's run in the legend, in order (several files; default: the folder names)." };
        var smooth = new Option<int>("--smooth") { Description = "Draw training values as the mean of the last N steps.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--output", "-o") { Description = "The picture, .png or .svg (default: the metrics file with .png)." };
        var width = new Option<int>("--width") { Description = "Width in pixels.", DefaultValueFactory = _ => 1200 };
        var height = new Option<int>("--height") { Description = "Height in pixels.", DefaultValueFactory = _ => 800 };
        var command = new Command("plot", "Plot a metrics.jsonl (loss, accuracy, learning rate, halting steps against step) to PNG or SVG.");
        command.Arguments.Add(metrics);
        command.Options.Add(output);
        command.Options.Add(width);
        command.Options.Add(height);
        command.Options.Add(labels);
        command.Options.Add(smooth);
        command.SetAction(parseResult =>
        {
            var (stdout, stderr) = (parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
            string[] inputs = parseResult.GetValue(metrics)!;
            string input = inputs[0];
            string target = parseResult.GetValue(output) ?? Path.ChangeExtension(input, ".png");
            if (inputs.FirstOrDefault(i => !File.Exists(i)) is { } missing)
            {
                stderr.WriteLine($"error: {missing} does not exist.");
                return 2;
            }
            string[] names = parseResult.GetValue(labels) ?? [];
            if (names.Length > 0 && names.Length != inputs.Length)
            {
                stderr.WriteLine($"error: {names.Length} --label values for {inputs.Length} metrics files.");
                return 2;
            }
            int smoothing = parseResult.GetValue(smooth);
            if (smoothing < 1)
            {
                stderr.WriteLine($"error: --smooth must be at least 1, got {smoothing}.");
                return 2;
            }
            try
            {
                var runs = new List<(string Name, IReadOnlyList<MetricsRecord> Records)>();
                for (var i = 0; i < inputs.Length; i++)
                {
                    var records = MetricsJsonlWriter.Read(inputs[i], out var torn);
                    if (torn is not null)
                    {
                        // A run killed mid-line, or one writing this line right now: plot the whole records.
                        stderr.WriteLine($"warning: {inputs[i]}: skipped a torn last line ({torn.Length} characters)");
                    }
                    runs.Add((names.Length > 0 ? names[i] : Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(inputs[i]))) ?? inputs[i], records));
                }
                if (inputs.Length == 1 && smoothing == 1 && names.Length == 0)
                {
                    MetricsPlot.Save(runs[0].Records, target, parseResult.GetValue(width), parseResult.GetValue(height));
                }
                else
                {
                    MetricsPlot.SaveComparison(runs, target, parseResult.GetValue(width), parseResult.GetValue(height), smoothing);
                }
                int count = runs.Sum(r => r.Records.Count);
                stdout.WriteLine($"{target}: {count} records plotted");
                return count == 0 ? 1 : 0;
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException)
            {
                stderr.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
