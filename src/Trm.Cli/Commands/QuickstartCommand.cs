using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Sudoku;
using Trm.Inference.Puzzles;
using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Torch;
using Trm.Training;
using Trm.Training.Configuration;
using Trm.Training.Evaluation;
using Trm.Training.Metrics;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm quickstart</c>: the README's main job. Builds a small easy-Sudoku dataset, trains a small TRM on CPU with live
/// progress, evaluates it on held-out puzzles and solves one of them from the saved checkpoint.
/// </summary>
public static class QuickstartCommand
{
    /// <summary>The quickstart's training configuration (tuned for a 2-core CPU); callers may change it.</summary>
    /// <param name="dataPath">Dataset folder.</param>
    /// <param name="runName">Run name.</param>
    /// <param name="epochs">Epochs (sets the schedule length).</param>
    /// <param name="seed">Seed.</param>
    public static TrainConfig DefaultConfig(string dataPath, string runName, int epochs, long seed) => new TrainConfig
    {
        DataPaths = [dataPath],
        RunName = runName,
        Seed = seed,
        GlobalBatchSize = Defaults.BatchSize,
        Epochs = epochs,
        EvalInterval = null,
        CheckpointEveryEval = true,
        Lr = 1e-3,
        LrWarmupSteps = 100,
        LrMinRatio = 0.1,
        WeightDecay = 0.1,
        PuzzleEmbLr = 1e-2,
        PuzzleEmbWeightDecay = 0.1,
        Ema = false,
        Device = "cpu",
        Arch = new TrmConfig
        {
            HiddenSize = 64,
            NumHeads = 4,
            Expansion = 2,
            LLayers = 1,
            HCycles = 2,
            LCycles = 2,
            MlpT = true,
            PosEncodings = PositionEncoding.None,
            PuzzleEmbNdim = 0,
            HaltMaxSteps = 4,
            ForwardDType = DType.Float32,
        },
    };

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var minutes = new Option<double>("--minutes") { Description = "Training time budget in minutes (training stops early when reached).", DefaultValueFactory = _ => Defaults.Minutes };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps of the schedule.", DefaultValueFactory = _ => Defaults.Steps };
        var data = new Option<string>("--data") { Description = "Where the Sudoku dataset is built (reused when it exists).", DefaultValueFactory = _ => "data/sudoku-quickstart" };
        var run = new Option<string>("--run") { Description = "Run name (checkpoints/<run>).", DefaultValueFactory = _ => "quickstart" };
        var checkpoints = new Option<string>("--checkpoints") { Description = "Folder of run folders (its <run> folder is replaced).", DefaultValueFactory = _ => "checkpoints" };
        var clues = new Option<int>("--clues") { Description = "Given digits per puzzle (more = easier).", DefaultValueFactory = _ => Defaults.Clues };
        var trainPuzzles = new Option<int>("--train-puzzles") { Description = "Training puzzles to generate.", DefaultValueFactory = _ => Defaults.TrainPuzzles };
        var testPuzzles = new Option<int>("--test-puzzles") { Description = "Held-out puzzles to evaluate on.", DefaultValueFactory = _ => Defaults.TestPuzzles };
        var seed = new Option<int>("--seed") { Description = "Seed of data generation and training.", DefaultValueFactory = _ => 0 };
        var evalActSteps = new Option<int?>("--eval-act-steps") { Description = "ACT steps of the evaluation and the solver (arch.eval_halt_max_steps; default: the 4 of training). More steps solve more of the harder puzzles." };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: all cores; with --workers, per worker, default 1)." };
        var workers = new Option<int?>("--workers") { Description = "Train data-parallel in this many worker processes (trm train --nproc-per-node), each with its share of the batch; on small CPUs 2 workers of one thread run faster than one process with two threads." };
        var overrides = new Argument<string[]>("overrides")
        {
            Description = "Training overrides in trm train's style on top of the quickstart's configuration (arch.H_cycles=3, lr=2e-3, ema=true); the data, run, schedule length and time budget come from the options above.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var verbose = CommandErrors.VerboseOption();
        var command = new Command("quickstart", "Build a small easy-Sudoku dataset, train a small TRM on CPU, evaluate on held-out puzzles and solve one.");
        foreach (var option in new Option[] { minutes, steps, data, run, checkpoints, clues, trainPuzzles, testPuzzles, seed, evalActSteps, threads, workers, verbose }) command.Options.Add(option);
        command.Arguments.Add(overrides);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var options = new QuickstartOptions(parseResult.GetValue(data)!, parseResult.GetValue(run)!, parseResult.GetValue(checkpoints)!, parseResult.GetValue(minutes), parseResult.GetValue(steps),
                parseResult.GetValue(clues), parseResult.GetValue(trainPuzzles), parseResult.GetValue(testPuzzles), parseResult.GetValue(seed), parseResult.GetValue(threads), parseResult.GetValue(evalActSteps),
                parseResult.GetValue(overrides) ?? [], parseResult.GetValue(workers));
            return Task.FromResult(CommandErrors.Run(parseResult, parseResult.GetValue(verbose), () => Run(options, cancellationToken), cancellationToken));
        });
        return command;
    }

    /// <summary>Runs the quickstart; returns the exit code (0 when the solved puzzle is valid).</summary>
    internal static int Run(QuickstartOptions o, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        // Bad numbers are refused before the (long) data generation.
        static void Positive(string option, double value)
        {
            if (!(value > 0)) throw new ArgumentException($"{option}: must be positive, got {value.ToString(CultureInfo.InvariantCulture)}");
        }
        Positive("--steps", o.Steps);
        Positive("--minutes", o.Minutes);
        Positive("--train-puzzles", o.TrainPuzzles);
        Positive("--test-puzzles", o.TestPuzzles);
        if (o.Clues is < 17 or > 81) throw new ArgumentException($"--clues: must be in [17, 81], got {o.Clues}");
        if (o.EvalActSteps is <= 0 or > 1024) throw new ArgumentException($"--eval-act-steps: must be in [1, 1024], got {o.EvalActSteps}");
        if (o.Threads is <= 0) throw new ArgumentException($"--threads: must be positive, got {o.Threads}");
        var baseConfig = ApplyOverrides(DefaultConfig(o.DataPath, o.RunName, 1, o.Seed), o.Overrides ?? []);
        if (o.Workers is < 1 or > 64) throw new ArgumentException($"--workers: must be in [1, 64], got {o.Workers}");
        if (o.Workers is > 1 && o.Threads is { } perWorker) Environment.SetEnvironmentVariable("OMP_NUM_THREADS", perWorker.ToString(CultureInfo.InvariantCulture));
        else if (o.Threads is { } n) Engine.SetNumThreads(n);
        AnsiConsole.MarkupLine("[bold]Trm.Sdk quickstart[/]: easy Sudoku with a Tiny Recursive Model on CPU");

        // 1. Data.
        var marker = Path.Combine(o.DataPath, "quickstart.json");
        var recipe = string.Create(CultureInfo.InvariantCulture, $"{{\"seed\":{o.Seed},\"clues\":{o.Clues},\"train\":{o.TrainPuzzles},\"test\":{o.TestPuzzles}}}");
        if (!File.Exists(marker) || File.ReadAllText(marker) != recipe)
        {
            AnsiConsole.MarkupLine($"1/4 generating {o.TrainPuzzles} training + {o.TestPuzzles} held-out puzzles with {o.Clues} clues into {Markup.Escape(o.DataPath)}…");
            if (Directory.Exists(o.DataPath)) Directory.Delete(o.DataPath, recursive: true);
            new SudokuDatasetBuilder().WithSeed(o.Seed).Generate(o.TrainPuzzles, o.TestPuzzles).WithClues(o.Clues).Build(o.DataPath, cancellationToken: cancellationToken);
            File.WriteAllText(marker, recipe);
        }
        else
        {
            AnsiConsole.MarkupLine($"1/4 reusing the dataset in {Markup.Escape(o.DataPath)}");
        }

        // 2. Train.
        var trainMeta = PuzzleDatasetMetadata.Parse(File.ReadAllText(Path.Combine(o.DataPath, "train", PuzzleDatasetMetadata.FileName)));
        var examplesPerEpoch = trainMeta.TotalGroups * trainMeta.MeanPuzzleExamples;
        var epochs = (int)Math.Max(1, Math.Ceiling(o.Steps * (double)baseConfig.GlobalBatchSize / examplesPerEpoch));
        var checkpointRoot = Path.Combine(o.CheckpointsRoot, o.RunName);
        if (Directory.Exists(checkpointRoot))
        {
            // Replaced as a whole, but never under a live trainer: its lock is checked (a stale one is taken over) first.
            using (Trm.Core.IO.DirectoryLock.Acquire(checkpointRoot))
            {
            }
            Directory.Delete(checkpointRoot, recursive: true);
        }
        var config = baseConfig with
        {
            Epochs = epochs,
            MaxMinutes = o.Minutes,
            MaxSteps = o.Steps,
            CheckpointPath = checkpointRoot,
            Arch = o.EvalActSteps is { } act ? baseConfig.Arch with { EvalHaltMaxSteps = act } : baseConfig.Arch,
        };
        var a = config.Arch;
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"2/4 training a TRM (hidden {a.HiddenSize}, {(a.MlpT ? "token-mixing MLP" : "attention")}, L_layers {a.LLayers}, H_cycles {a.HCycles}, L_cycles {a.LCycles}, up to {a.HaltMaxSteps} ACT steps) for {Math.Min(o.Steps, (long)(epochs * examplesPerEpoch / config.GlobalBatchSize))} steps or {o.Minutes} minutes, batch {config.GlobalBatchSize}, lr {config.Lr}{(o.Workers is > 1 ? $", {o.Workers} worker processes" : "")}"));
        var (steps, elapsed, eval, lastCheckpoint) = o.Workers is > 1 ? TrainInWorkers(config, o.Workers.Value, cancellationToken) : TrainHere(config, cancellationToken);

        // 3. Evaluation (the trainer's final evaluation on every held-out puzzle).
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"3/4 held-out puzzles: [bold]{eval?.ExactAccuracy:P1} solved exactly[/] ({eval?.Examples} puzzles, token accuracy {eval?.Accuracy:P1}) after {steps} steps, {elapsed.TotalMinutes:F1} min of training"));
        if (eval?.Values.TryGetValue("early_stop_exact_accuracy", out var early) == true && eval.Values.TryGetValue("early_stop_step", out var earlySteps))
        {
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"    stopping each puzzle once the halting head is 90 % sure (trm solve --act-early-stop): {early:P1} solved exactly in {earlySteps:F1} ACT steps on average"));
        }

        // 4. Solve one held-out puzzle from the checkpoint.
        var grid = FirstTestPuzzle(o.DataPath);
        using var solver = PuzzleSolver.Load(lastCheckpoint, Device.Cpu);
        var report = SolveCommand.Solve(solver, grid);
        AnsiConsole.MarkupLine($"4/4 solving a held-out puzzle with {Markup.Escape(lastCheckpoint)}:");
        Console.Write(report.Text);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"total time {total.Elapsed.TotalMinutes:F1} min. Try: trm solve --checkpoint {lastCheckpoint} --sudoku {SudokuPuzzle.FormatGrid(grid)}"));
        return 0;
    }

    private static (long Steps, TimeSpan Elapsed, EvaluationResult? Eval, string LastCheckpoint) TrainHere(TrainConfig config, CancellationToken cancellationToken)
    {
        using var trainer = Trainer.CreateBuilder().WithConfig(config).Build();
        var result = TrainingConsole.Run(trainer, cancellationToken);
        return (result.Steps, result.Elapsed, result.LastEvaluation, result.LastCheckpoint!);
    }

    /// <summary>
    /// Trains in <paramref name="workers"/> data-parallel <c>trm train</c> processes from the resolved configuration, printing
    /// rank 0's progress from its metrics log; the result is read back from that log and the run folder.
    /// </summary>
    private static (long Steps, TimeSpan Elapsed, EvaluationResult? Eval, string LastCheckpoint) TrainInWorkers(TrainConfig config, int workers, CancellationToken cancellationToken)
    {
        var root = config.CheckpointPath!;
        var configFile = root + ".config.json"; // beside the run folder, removed afterwards
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(configFile))!);
        File.WriteAllText(configFile, ConfigLoader.ToJson(config));
        var clock = Stopwatch.StartNew();
        var metricsPath = Path.Combine(root, "metrics.jsonl");
        using var stop = new CancellationTokenSource();
        var progress = Task.Run(async () =>
        {
            long shown = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                if (!File.Exists(metricsPath)) continue;
                var train = MetricsJsonlWriter.Read(metricsPath).Where(r => r.Split == "train").ToList();
                if (train.Count == 0 || train[^1].Step == shown) continue;
                var last = train[^1];
                shown = last.Step;
                // Accuracy is measured on the examples that finished their ACT steps in a step; the last 50 steps with some.
                var finished = train.TakeLast(50).Where(r => r.Values.GetValueOrDefault("count") > 0).ToList();
                var accuracy = finished.Count == 0 ? double.NaN : finished.Average(r => r.Values["accuracy"]);
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"  step {last.Step} ({clock.Elapsed.TotalMinutes:F1} min): loss {last.Values.GetValueOrDefault("lm_loss"):F3}, token accuracy {accuracy:P1}, lr {last.Values.GetValueOrDefault("lr"):E1}"));
            }
        }, CancellationToken.None);
        int code;
        try
        {
            var launcher = new Distributed.WorkerLauncher { ProcessesPerNode = workers };
            code = launcher.Run(["train", "--config", configFile], Console.Out, Console.Error, cancellationToken);
        }
        finally
        {
            stop.Cancel();
            progress.Wait(CancellationToken.None);
            File.Delete(configFile);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (code != 0) throw new InvalidOperationException($"data-parallel training failed (exit code {code}); the workers' errors are above");
        var records = MetricsJsonlWriter.Read(metricsPath);
        var evalRecord = records.LastOrDefault(r => r.Split == "eval");
        var eval = evalRecord is null ? null : new EvaluationResult(evalRecord.Step, (long)evalRecord.Values.GetValueOrDefault("count"), evalRecord.Values);
        var lastCheckpoint = TrmCheckpoint.FindLatest(root) ?? throw new InvalidOperationException($"{root}: the workers wrote no checkpoint");
        var steps = records.Where(r => r.Split == "train").Select(r => r.Step).DefaultIfEmpty(0).Max();
        return (steps, clock.Elapsed, eval, lastCheckpoint);
    }

    /// <summary>
    /// Applies <c>trm train</c>-style overrides to the quickstart's configuration and validates the result. An override that
    /// changes a setting the quickstart takes from its own options is refused with the option to use instead; each token is
    /// read by <see cref="ConfigLoader"/> itself, so its key is the one the loader understood.
    /// </summary>
    internal static TrainConfig ApplyOverrides(TrainConfig defaults, IReadOnlyList<string> overrides)
    {
        var config = defaults;
        foreach (var token in overrides)
        {
            var next = ConfigLoader.ApplyOverrides(config, [token]);
            foreach (var (key, option, get) in OwnedSettings)
            {
                if (!Equals(get(config), get(next))) throw new ArgumentException($"override '{token}': the quickstart sets {key} from {option}; use that option instead");
            }
            config = next;
        }
        return config.Validate();
    }

    /// <summary>The settings the quickstart takes from its options: key, option, value (lists as one string, to compare).</summary>
    private static readonly (string Key, string Option, Func<TrainConfig, object?> Get)[] OwnedSettings =
    [
        ("data_paths", "--data", c => string.Join('\n', c.DataPaths)),
        ("run_name", "--run", c => c.RunName),
        ("checkpoint_path", "--checkpoints and --run", c => c.CheckpointPath),
        ("epochs", "--steps", c => c.Epochs),
        ("max_steps", "--steps", c => c.MaxSteps),
        ("max_minutes", "--minutes", c => c.MaxMinutes),
        ("seed", "--seed", c => c.Seed),
    ];

    private static byte[] FirstTestPuzzle(string dataPath)
    {
        using var test = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [dataPath], Split = "test", GlobalBatchSize = 1, TestSetMode = true });
        var batch = test.EnumerateBatches().First();
        return SudokuEncoding.Decode(batch.Inputs.AsSpan(0, SudokuEncoding.SeqLen));
    }

    /// <summary>The quickstart's tuned defaults.</summary>
    internal static class Defaults
    {
        public const double Minutes = 14;
        public const int Steps = 2000;
        public const int BatchSize = 32;
        public const int Clues = 50;
        public const int TrainPuzzles = 20000;
        public const int TestPuzzles = 500;
    }
}

/// <summary>Settings of one quickstart run.</summary>
internal sealed record QuickstartOptions(string DataPath, string RunName, string CheckpointsRoot, double Minutes, int Steps, int Clues, int TrainPuzzles, int TestPuzzles, int Seed, int? Threads, int? EvalActSteps = null,
    IReadOnlyList<string>? Overrides = null, int? Workers = null);
