using System.Diagnostics;
using System.Text.Json.Nodes;
using Trm.Data.Npy;
using Trm.Model.Checkpoints;
using Trm.Torch;
using Trm.Torch.Distributed;
using Trm.Torch.Serialization;

namespace Trm.Cli.Tests.Distributed;

/// <summary>
/// Data-parallel <c>trm train</c> on loopback with Gloo, workers as child processes: two ranks reach the parameters of one
/// process at the same global batch (puzzle embeddings included), a resumed two-rank run equals the uninterrupted one, workers
/// started with torchrun's variables join, and a killed worker ends the launch with a non-zero exit in bounded time.
/// </summary>
[NonParallelizable]
public sealed class DistributedTrainingTests
{
    private string _root = "";
    private string _data = "";

    [SetUp]
    public void SetUp()
    {
        if (!ProcessGroup.IsAvailable) Assert.Ignore("trm_native was built without c10d/Gloo");
        _root = Path.Combine(Path.GetTempPath(), $"trm-ddp-{Guid.NewGuid():N}");
        _data = Path.Combine(_root, "data");
        new Trm.Data.Puzzles.Sudoku.SudokuDatasetBuilder().WithSeed(5).Generate(16, 4).WithClues(50).Build(_data);
        GiveDistinctPuzzleIdentifiers(Path.Combine(_data, "train"), 16);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task EachRankExploresWithItsOwnStreamAndResumesIt()
    {
        string[] explore = ["arch.halt_exploration_prob=0.5", "arch.halt_max_steps=3"];
        var whole = await Child(NoEnv, [.. Overrides("explore", 4, explore), "--nproc-per-node", "2"]);
        Assert.That(whole.Code, Is.EqualTo(0), whole.Output);
        var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "ckpt", "explore", "step_4", "trainer.json")))!;
        var rng = state["Rng"] ?? state["rng"];
        Assert.That(rng?["exploration_rank1"], Is.Not.Null, "rank 1's exploration state is saved");
        Assert.That(rng!["exploration_rank1"]!.GetValue<string>(), Is.Not.EqualTo(rng["exploration"]!.GetValue<string>()), "the ranks draw different streams");

        var first = await Child(NoEnv, [.. Overrides("explore-resumed", 2, explore), "--nproc-per-node", "2"]);
        Assert.That(first.Code, Is.EqualTo(0), first.Output);
        var second = await Child(NoEnv, [.. Overrides("explore-resumed", 4, explore), "--nproc-per-node", "2", "--resume"]);
        Assert.That(second.Code, Is.EqualTo(0), second.Output);
        using var scope = Engine.NewDisposeScope();
        Assert.That(MaxDifference(Weights("explore-resumed", 4), Weights("explore", 4)), Is.EqualTo(0), "resume continues every rank's stream");
    }

    [Test]
    public async Task TwoRanksTrainTheCausalChatModelLikeOneProcess()
    {
        // A chat dataset with an assistant-only loss mask: the ranks' slices hold different numbers of trained tokens, so
        // equality needs the loss divided by the global token count.
        var chat = Trm.Training.Tests.Language.TinyChat.Build(Path.Combine(_root, "chat"), Trm.Training.Tests.Language.TinyChat.Reversals(12));
        string[] Chat(string run) =>
        [
            "train", "arch=trm_chat", $"data_paths=[{chat}]", $"checkpoint_path={Path.Combine(_root, "ckpt", run)}", $"+run_name={run}",
            "global_batch_size=4", "gradient_accumulation_steps=2", "max_steps=3", "lr=3e-3", "lr_warmup_steps=1", "seed=3", "device=cpu",
            "arch.hidden_size=32", "arch.num_heads=2", "arch.expansion=2", "arch.L_layers=1", "arch.H_cycles=2", "arch.L_cycles=2",
            "eval_samples=1", "eval_sample_tokens=2", "--verbose",
        ];
        var single = await Child(NoEnv, Chat("lm-single"));
        Assert.That(single.Code, Is.EqualTo(0), single.Output);
        var launched = await Child(NoEnv, [.. Chat("lm-ddp"), "--nproc-per-node", "2", "--dist-timeout", "60"]);
        Assert.That(launched.Code, Is.EqualTo(0), launched.Output);

        using var scope = Engine.NewDisposeScope();
        var one = Weights("lm-single", 3);
        var two = Weights("lm-ddp", 3);
        Assert.That(MaxDifference(one, two), Is.LessThan(1e-5), "two ranks at global batch 4 x 2 = one process");
        var trainLoss = (string run) => File.ReadLines(Path.Combine(_root, "ckpt", run, "metrics.jsonl")).Last(l => l.Contains("\"split\":\"train\""));
        Assert.That(System.Text.Json.JsonDocument.Parse(trainLoss("lm-ddp")).RootElement.GetProperty("lm_loss").GetDouble(),
            Is.EqualTo(System.Text.Json.JsonDocument.Parse(trainLoss("lm-single")).RootElement.GetProperty("lm_loss").GetDouble()).Within(1e-5),
            "the logged loss is the global batch's");
    }

    /// <summary>Sudoku has one identifier; give the training puzzles 1 + (p mod 5) so the sparse embedding has rows that differ.</summary>
    private static void GiveDistinctPuzzleIdentifiers(string split, int puzzles)
    {
        NpyFile.Write(Path.Combine(split, "all__puzzle_identifiers.npy"), Enumerable.Range(0, puzzles).Select(p => 1 + p % 5).ToArray().AsSpan(), puzzles);
        var jsonPath = Path.Combine(split, "dataset.json");
        var json = JsonNode.Parse(File.ReadAllText(jsonPath))!;
        json["num_puzzle_identifiers"] = 6;
        File.WriteAllText(jsonPath, json.ToJsonString());
    }

    private string[] Overrides(string run, long maxSteps, params string[] more) =>
    [
        "train", $"data_paths=[{_data}]", $"checkpoint_path={Path.Combine(_root, "ckpt", run)}", $"+run_name={run}",
        "global_batch_size=8", "epochs=20", "eval_interval=20", $"max_steps={maxSteps}", "lr=3e-3", "lr_warmup_steps=1", "seed=7", "device=cpu",
        "puzzle_emb_lr=1e-2", "arch.hidden_size=32", "arch.num_heads=2", "arch.expansion=2", "arch.L_layers=1", "arch.H_cycles=2", "arch.L_cycles=1",
        "arch.mlp_t=True", "arch.pos_encodings=none", "arch.puzzle_emb_ndim=32", "arch.halt_max_steps=2", "arch.halt_exploration_prob=0",
        "--verbose", .. more,
    ];

    /// <summary>Runs <c>dotnet trm.dll</c> with <paramref name="env"/>; returns exit code, output and seconds.</summary>
    private static Task<(int Code, string Output, double Seconds)> Child(IReadOnlyDictionary<string, string> env, params string[] args) => Task.Run(() =>
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trm.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        psi.Environment["OMP_NUM_THREADS"] = "1";
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(300_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"trm {string.Join(' ', args)} did not finish in 300 s");
        }
        return (p.ExitCode, stdout.Result + stderr.Result, clock.Elapsed.TotalSeconds);
    });

    private static readonly Dictionary<string, string> NoEnv = [];

    private Dictionary<string, Tensor> Weights(string run, long step)
    {
        using var file = SafeTensors.Load(Path.Combine(_root, "ckpt", run, $"step_{step}", TrmCheckpoint.ModelFile), Device.Cpu);
        return file.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
    }

    private static double MaxDifference(Dictionary<string, Tensor> a, Dictionary<string, Tensor> b)
    {
        Assert.That(a.Keys, Is.EquivalentTo(b.Keys));
        using var scope = Engine.NewDisposeScope();
        double max = 0;
        foreach (var (name, t) in a) max = Math.Max(max, (t - b[name]).Abs().Max().ToArray<float>()[0]);
        return max;
    }

    [Test]
    public async Task QuickstartTrainsInWorkerProcessesAndSolvesFromTheirCheckpoint()
    {
        var data = Path.Combine(_root, "qs-data");
        var checkpoints = Path.Combine(_root, "qs-ckpt");
        var run = await Child(NoEnv, "quickstart", "--workers", "2", "--steps", "4", "--train-puzzles", "64", "--test-puzzles", "8", "--clues", "60",
            "--data", data, "--checkpoints", checkpoints, "global_batch_size=8");
        Assert.That(run.Code, Is.EqualTo(0), run.Output);
        var output = System.Text.RegularExpressions.Regex.Replace(run.Output, @"\s+", " "); // the console wraps long lines
        Assert.That(output, Does.Contain("2 worker processes").And.Contain("[rank 1]").And.Contain("(rank 0 of 2)"));
        Assert.That(output, Does.Contain("3/4 held-out puzzles:").And.Contain("(8 puzzles").And.Contain("after 4 steps"));
        Assert.That(output, Does.Contain("4/4 solving a held-out puzzle").And.Contain("valid solution:"));
        Assert.That(File.ReadLines(Path.Combine(checkpoints, "quickstart", "metrics.jsonl")).Count(l => l.Contains("\"split\":\"train\"")), Is.EqualTo(4));
        Assert.That(Directory.GetFiles(checkpoints), Is.Empty, "the resolved configuration handed to the workers is removed");

        var bad = await Child(NoEnv, "quickstart", "--workers", "0", "--data", data, "--checkpoints", checkpoints);
        Assert.That(bad.Code, Is.EqualTo(2));
        Assert.That(bad.Output, Does.Contain("--workers"));
    }

    [Test]
    public async Task TwoRanksMatchOneProcessAndResumeExactly()
    {
        var single = await Child(NoEnv, Overrides("single", 4));
        Assert.That(single.Code, Is.EqualTo(0), single.Output);

        var launched = await Child(NoEnv, [.. Overrides("ddp", 4), "--nproc-per-node", "2", "--dist-timeout", "60"]);
        Assert.That(launched.Code, Is.EqualTo(0), launched.Output);
        Assert.That(launched.Output, Does.Contain("[rank 1]").And.Contain("(rank 0 of 2)"));
        Assert.That(File.ReadLines(Path.Combine(_root, "ckpt", "ddp", "metrics.jsonl")).Count(l => l.Contains("\"split\":\"train\"")), Is.EqualTo(4), "rank 0 alone writes metrics");

        using var scope = Engine.NewDisposeScope(); // owns the loaded weights
        var one = Weights("single", 4);
        var two = Weights("ddp", 4);
        var table = one.Keys.Single(k => k.Contains("puzzle_emb", StringComparison.Ordinal));
        Assert.That(one[table].Abs().Sum().ToArray<float>()[0], Is.GreaterThan(0), "the puzzle embedding (zeros at start) was trained");
        Assert.That(MaxDifference(one, two), Is.LessThan(1e-5), "two ranks at global batch 8 = one process at batch 8");

        // Stop a two-rank run at step 2, then resume it with workers started the way torchrun starts them.
        var first = await Child(NoEnv, [.. Overrides("resumed", 2), "--nproc-per-node", "2"]);
        Assert.That(first.Code, Is.EqualTo(0), first.Output);
        int port = FreePort();
        var ranks = Enumerable.Range(0, 2).Select(r => Child(new Dictionary<string, string>
        {
            ["RANK"] = $"{r}", ["LOCAL_RANK"] = $"{r}", ["WORLD_SIZE"] = "2", ["LOCAL_WORLD_SIZE"] = "2", ["MASTER_ADDR"] = "127.0.0.1", ["MASTER_PORT"] = $"{port}",
        }, [.. Overrides("resumed", 4), "--resume"])).ToArray();
        foreach (var r in await Task.WhenAll(ranks)) Assert.That(r.Code, Is.EqualTo(0), r.Output);
        Assert.That(MaxDifference(Weights("resumed", 4), two), Is.EqualTo(0), "resume of a two-rank run = the uninterrupted run");
    }

    [Test]
    public async Task AKilledWorkerEndsTheLaunchAndLeavesTheLastCheckpointLoadable()
    {
        var run = await Child(new Dictionary<string, string> { ["TRM_TRAIN_FAULT"] = "1:3" },
            [.. Overrides("killed", 8, "checkpoint_every_steps=2"), "--nproc-per-node", "2", "--dist-timeout", "20"]);
        Assert.That(run.Code, Is.Not.EqualTo(0), run.Output);
        Assert.That(run.Seconds, Is.LessThan(120), "ended within the timeout");
        Assert.That(run.Output, Does.Contain("rank 1 failed with exit code 137"), run.Output);
        var last = TrmCheckpoint.FindLatest(Path.Combine(_root, "ckpt", "killed"));
        Assert.That(last, Does.EndWith("step_2"));
        TrmCheckpoint.Verify(last!);
        using var scope = Engine.NewDisposeScope();
        Assert.That(Weights("killed", 2), Is.Not.Empty);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
