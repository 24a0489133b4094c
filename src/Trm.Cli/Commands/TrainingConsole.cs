using System.Globalization;
using Spectre.Console;
using Trm.Training;
using Trm.Training.Evaluation;

namespace Trm.Cli.Commands;

/// <summary>Runs a trainer with a live Spectre.Console progress bar (or plain progress lines when the output is redirected).</summary>
internal static class TrainingConsole
{
    public static TrainingResult Run(Trainer trainer, CancellationToken cancellationToken)
    {
        trainer.EvaluationCompleted += (_, e) => AnsiConsole.MarkupLine(Markup.Escape(Describe(e)));
        trainer.CheckpointSaved += (_, dir) => AnsiConsole.MarkupLine($"[grey]checkpoint {Markup.Escape(dir)}[/]");

        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            var every = Math.Max(1, trainer.StepLimit / 50);
            var reporter = new SyncProgress<TrainingProgress>(p =>
            {
                if (p.Phase == TrainingPhase.Training && p.Recent is { } m && (p.Step % every == 0 || p.Step == 1))
                {
                    Console.WriteLine(Line(p, m));
                }
            });
            return trainer.Run(reporter, cancellationToken);
        }

        TrainingResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: Math.Max(1, trainer.StepLimit));
                task.Value = trainer.Step;
                var reporter = new SyncProgress<TrainingProgress>(p =>
                {
                    task.Value = p.Step;
                    task.Description = p.Phase switch
                    {
                        TrainingPhase.Training when p.Recent is { } m => Markup.Escape(Line(p, m)),
                        TrainingPhase.Evaluating => "evaluating…",
                        TrainingPhase.Checkpointing => "saving checkpoint…",
                        _ => task.Description,
                    };
                });
                result = trainer.Run(reporter, cancellationToken);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    public static string Describe(EvaluationResult e) => string.Create(CultureInfo.InvariantCulture,
        $"eval @ step {e.Step}: exact {e.ExactAccuracy:P1}, token acc {e.Accuracy:P1}, halting acc {e.QHaltAccuracy:P1}, halt step {e.MeanHaltStep:F2} (exact when halting {e.Values.GetValueOrDefault("halt_exact_accuracy"):P1}; with --act-early-stop {e.Values.GetValueOrDefault("early_stop_exact_accuracy"):P1} in {e.Values.GetValueOrDefault("early_stop_step"):F2} steps), loss {e.LmLoss:F4}, {e.Examples} puzzles");

    private static string Line(TrainingProgress p, Trm.Training.Metrics.MetricsRecord m) => string.Create(CultureInfo.InvariantCulture,
        $"step {p.Step}/{p.TotalSteps} loss {m["lm_loss"]:F3} acc {Percent(m["accuracy"])} exact {Percent(m["exact_accuracy"])} halt {Percent(m["q_halt_accuracy"])} steps {Number(m["steps"], "F1")} lr {m["lr"]:E1} {m["examples_per_second"]:F0} ex/s");

    // Accuracies are averaged over examples that halted; before the first halt there is none.
    private static string Percent(double value) => Number(value, "P0");

    private static string Number(double value, string format) => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (unlike <see cref="Progress{T}"/>).</summary>
    internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
