using System.CommandLine;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Trm.Cli.Distributed;
using Trm.Core.IO;
using Trm.Data;
using Trm.Model.Checkpoints;
using Trm.Model.Configuration;
using Trm.Torch;
using Trm.Torch.Distributed;
using Trm.Training;
using Trm.Training.Configuration;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm train</c>: trains a TRM on a puzzle dataset with the reference's override syntax, e.g.
/// <c>trm train arch=trm data_paths="[data/sudoku-small]" arch.mlp_t=True lr=1e-4 ema=True +run_name=x</c>.
/// With <c>--nproc-per-node N</c> it launches N data-parallel workers (torchrun's role); a process started with torchrun's
/// or Slurm's variables joins their process group as a worker (docs/distributed.md).
/// </summary>
public static class TrainCommand
{
    /// <summary>
    /// Test hook: <c>TRM_TRAIN_FAULT=rank:step</c> makes that worker kill itself (SIGKILL) right after that optimizer step.
    /// </summary>
    internal const string FaultVariable = "TRM_TRAIN_FAULT";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var overrides = new Argument<string[]>("overrides") { Description = "Overrides in the reference's style: key=value, +key=value, arch.key=value, data_paths=\"[a,b]\".", Arity = ArgumentArity.ZeroOrMore };
        var configFile = new Option<string?>("--config") { Description = "JSON configuration file (same keys); overrides apply on top." };
        var verbose = new Option<bool>("--verbose") { Description = "Log every few steps instead of showing a progress bar; on failure, also print the stack trace." };
        var saveInitial = new Option<bool>("--save-initial") { Description = "Write the initial weights as checkpoint step_0 before training (e.g. to start a peer trainer from the same point)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in an existing run folder from its latest checkpoint (otherwise an existing run folder is refused)." };
        var nprocPerNode = new Option<int?>("--nproc-per-node") { Description = "Launch this many data-parallel workers on this node (torchrun's --nproc-per-node)." };
        var nnodes = new Option<int>("--nnodes") { Description = "Number of nodes (with --nproc-per-node).", DefaultValueFactory = _ => 1 };
        var nodeRank = new Option<int>("--node-rank") { Description = "This node's index in [0, nnodes) (with --nproc-per-node).", DefaultValueFactory = _ => 0 };
        var masterAddr = new Option<string>("--master-addr") { Description = "Host of rank 0 (with --nproc-per-node).", DefaultValueFactory = _ => "127.0.0.1" };
        var masterPort = new Option<int?>("--master-port") { Description = "Port of rank 0's store (default: a free port on one node, 29500 on several)." };
        var distTimeout = new Option<double>("--dist-timeout") { Description = "Seconds a collective may wait for the other ranks, and that the launcher waits for the others after one failed.", DefaultValueFactory = _ => 300 };
        var command = new Command("train", "Train a TRM on a puzzle dataset (reference-style overrides; checkpoints under checkpoints/<run>/step_N). Exit codes: 0 done, 1 unexpected or distributed-peer failure, 2 user error (configuration, dataset, checkpoint, run folder locked, device), 130 cancelled.");
        command.Arguments.Add(overrides);
        command.Options.Add(configFile);
        command.Options.Add(verbose);
        command.Options.Add(resume);
        command.Options.Add(saveInitial);
        command.Options.Add(nprocPerNode);
        command.Options.Add(nnodes);
        command.Options.Add(nodeRank);
        command.Options.Add(masterAddr);
        command.Options.Add(masterPort);
        command.Options.Add(distTimeout);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var timeout = TimeSpan.FromSeconds(parseResult.GetValue(distTimeout));
            if (parseResult.GetValue(nprocPerNode) is { } n)
            {
                var workerArgs = new List<string> { "train" };
                workerArgs.AddRange(parseResult.GetValue(overrides) ?? []);
                if (parseResult.GetValue(configFile) is { } file) workerArgs.AddRange(["--config", file]);
                if (parseResult.GetValue(resume)) workerArgs.Add("--resume");
                workerArgs.Add("--verbose"); // progress bars from several processes would interleave
                workerArgs.AddRange(["--dist-timeout", parseResult.GetValue(distTimeout).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                var launcher = new WorkerLauncher
                {
                    ProcessesPerNode = n,
                    Nodes = parseResult.GetValue(nnodes),
                    NodeRank = parseResult.GetValue(nodeRank),
                    MasterAddr = parseResult.GetValue(masterAddr)!,
                    MasterPort = parseResult.GetValue(masterPort),
                    FailureTimeout = TimeSpan.FromSeconds(Math.Min(parseResult.GetValue(distTimeout), 30)),
                };
                return Task.FromResult(launcher.Run(workerArgs, parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken));
            }
            DistributedEnvironment? place;
            try
            {
                place = DistributedEnvironment.Read();
            }
            catch (InvalidOperationException e)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return Task.FromResult(CommandErrors.UserError);
            }
            ProcessGroup? group = null;
            try
            {
                var config = ConfigLoader.Load(parseResult.GetValue(overrides) ?? [], parseResult.GetValue(configFile));
                // Without --verbose only warnings are logged (a stale lock taken over, leftovers of a killed run removed).
                var isVerbose = parseResult.GetValue(verbose);
                using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(isVerbose ? LogLevel.Information : LogLevel.Warning));
                var builder = Trainer.CreateBuilder().WithConfig(config);
                if (parseResult.GetValue(resume)) builder.WithResume();
                builder.WithLogger(loggerFactory.CreateLogger<Trainer>(), interval: isVerbose ? 10 : 0);
                if (place is not null)
                {
                    group = place.Join(timeout);
                    builder.WithProcessGroup(group);
                    if (place.UsesCuda) builder.WithDevice(Device.Cuda(place.LocalRank));
                    if (Environment.GetEnvironmentVariable(FaultVariable) is { } fault && fault.Split(':') is [var r, var s]
                        && int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) == place.Rank)
                    {
                        var step = long.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
                        builder.OnStep(m => { if (m.Step == step) System.Diagnostics.Process.GetCurrentProcess().Kill(); });
                    }
                }
                using var trainer = builder.Build();
                var where = place is null ? "" : $" (rank {place.Rank} of {place.WorldSize})";
                AnsiConsole.MarkupLine($"[bold]run[/] {Markup.Escape(trainer.RunName)}{where}: {trainer.StepLimit} steps on {trainer.Device}, checkpoints in {Markup.Escape(trainer.CheckpointRoot)}");
                if (parseResult.GetValue(saveInitial) && trainer.Step == 0) trainer.SaveCheckpoint();
                var result = parseResult.GetValue(verbose) || place is not null ? trainer.Run(null, cancellationToken) : TrainingConsole.Run(trainer, cancellationToken);
                AnsiConsole.MarkupLine($"[green]done[/]{where}: {result.Steps} steps in {result.Elapsed:hh\\:mm\\:ss} ({Markup.Escape(result.StopReason)}); last checkpoint {Markup.Escape(result.LastCheckpoint ?? "none")}"
                    + (place is null ? "" : $"; all-reduce {trainer.AllReduceSeconds / Math.Max(result.Steps, 1) * 1000:F2} ms/step"));
                return Task.FromResult(0);
            }
            catch (Exception e) when (place is not null && e is TorchException or IOException or InvalidOperationException
                && e is not (DirectoryLockedException or FileNotFoundException or DirectoryNotFoundException))
            {
                // A peer died or stopped answering: say which rank gave up and why, and exit (the launcher ends the rest).
                Console.Error.WriteLine($"rank {place.Rank}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                return Task.FromResult(1);
            }
            catch (Exception e)
            {
                var error = parseResult.InvocationConfiguration.Error;
                if (place is not null) error.Write($"rank {place.Rank}: ");
                return Task.FromResult(CommandErrors.Report(error, e, parseResult.GetValue(verbose), cancellationToken));
            }
            finally
            {
                group?.Dispose();
            }
        });
        return command;
    }
}
