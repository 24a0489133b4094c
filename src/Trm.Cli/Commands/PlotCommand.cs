using System.CommandLine;
using Trm.Training.Metrics;
using Trm.Visualization;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm plot runs/x/metrics.jsonl [-o curve.png]</c>: draws loss, accuracy, learning rate and halting steps against
/// the step (training as lines, evaluation as markers) into a PNG or SVG.
/// </summary>
public static class PlotCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var metrics = new Argument<string>("metrics") { Description = "A metrics.jsonl file written by trm train (or the trainer)." };
        var output = new Option<string?>("--output", "-o") { Description = "The picture, .png or .svg (default: the metrics file with .png)." };
        var width = new Option<int>("--width") { Description = "Width in pixels.", DefaultValueFactory = _ => 1200 };
        var height = new Option<int>("--height") { Description = "Height in pixels.", DefaultValueFactory = _ => 800 };
        var command = new Command("plot", "Plot a metrics.jsonl (loss, accuracy, learning rate, halting steps against step) to PNG or SVG.");
        command.Arguments.Add(metrics);
        command.Options.Add(output);
        command.Options.Add(width);
        command.Options.Add(height);
        command.SetAction(parseResult =>
        {
            var (stdout, stderr) = (parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
            string input = parseResult.GetValue(metrics)!;
            string target = parseResult.GetValue(output) ?? Path.ChangeExtension(input, ".png");
            if (!File.Exists(input))
            {
                stderr.WriteLine($"error: {input} does not exist.");
                return 2;
            }
            try
            {
                var records = MetricsJsonlWriter.Read(input, out var torn);
                if (torn is not null)
                {
                    // A run killed mid-line, or one writing this line right now: plot the whole records.
                    stderr.WriteLine($"warning: {input}: skipped a torn last line ({torn.Length} characters)");
                }
                MetricsPlot.Save(records, target, parseResult.GetValue(width), parseResult.GetValue(height));
                int count = records.Count;
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
