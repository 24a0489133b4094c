using System.Security.Cryptography;
using Trm.Inference.Puzzles;
using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Torch;

namespace Trm.Inference.Tests.Puzzles;

public sealed class PuzzleSolverTests
{
    private const string ConfigJson = """
        {"vocab_size": 11, "seq_len": 81, "hidden_size": 32, "num_heads": 2, "expansion": 2, "L_layers": 1, "H_cycles": 2, "L_cycles": 1,
         "pos_encodings": "none", "mlp_t": true, "puzzle_emb_ndim": 0, "halt_max_steps": 5, "forward_dtype": "float32"}
        """;

    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), $"trm-solver-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static TrmModel NewModel(double qHaltBias)
    {
        var model = new TrmModel(TrmConfig.FromReferenceJson(ConfigJson) with { ForwardDType = DType.Float32 }, new Generator(11));
        using (Engine.NoGrad())
        {
            model.StateDict()["inner.q_head.bias"].Fill_(qHaltBias);
        }
        model.Eval();
        return model;
    }

    private static int[] Puzzle(int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, 81).Select(_ => rng.Next(1, 11))];
    }

    /// <summary>The model's own answer after <paramref name="steps"/> evaluation ACT steps.</summary>
    private static int[] DirectAnswer(TrmModel model, int[] puzzle, int steps)
    {
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        using var batch = new TrmBatch(Tensors.FromArray(puzzle.Select(x => (long)x).ToArray(), 1, 81),
            Tensors.Full([1, 81], -100, DType.Int64), Tensors.Zeros([1], DType.Int64));
        var carry = model.InitialCarry(batch);
        TrmOutputs? outputs = null;
        for (var i = 0; i < steps; i++)
        {
            var (next, o) = model.Forward(carry, batch);
            carry.Dispose();
            carry = next;
            outputs = o;
        }
        var answer = outputs!.Logits.ArgMax(-1).To(DType.Int32).ToArray<int>();
        carry.Dispose();
        return answer;
    }

    [Test]
    public void RunsEveryStepByDefaultEvenWhenTheModelWouldHalt()
    {
        // The halting head's weight starts at zero, so its logit is the bias: 8 means "halt" (p = 0.9997) at every step.
        using var model = NewModel(qHaltBias: 8);
        var solver = new PuzzleSolver(model);
        Assert.That(solver.StopAtHalt, Is.False);
        Assert.That(solver.HaltThreshold, Is.EqualTo(0.9));
        var puzzle = Puzzle(1);
        var full = solver.Solve(puzzle);
        Assert.That(full.Steps, Is.EqualTo(5));
        Assert.That(full.Halted, Is.True); // confident at its answering step
        Assert.That(full.Tokens, Is.EqualTo(DirectAnswer(model, puzzle, 5)));

        solver.StopAtHalt = true;
        var early = solver.Solve(puzzle);
        Assert.That(early.Steps, Is.EqualTo(1));
        Assert.That(early.Halted, Is.True);
        Assert.That(early.HaltLogit, Is.EqualTo(8).Within(1e-5));
        Assert.That(early.Tokens, Is.EqualTo(DirectAnswer(model, puzzle, 1)));
    }

    [Test]
    public void EarlyStopNeedsTheHaltingProbabilityAboveTheThreshold()
    {
        // Logit 1: p = sigmoid(1) = 0.731, above the reference's 0.5 but below the default 0.9.
        using var model = NewModel(qHaltBias: 1);
        var solver = new PuzzleSolver(model) { StopAtHalt = true };
        var puzzle = Puzzle(7);
        var unsure = solver.Solve(puzzle);
        Assert.That(unsure.Steps, Is.EqualTo(5));
        Assert.That(unsure.Halted, Is.False);
        Assert.That(unsure.Tokens, Is.EqualTo(DirectAnswer(model, puzzle, 5)));

        solver.HaltThreshold = 0.73; // just under 0.731
        Assert.That(solver.Solve(puzzle).Steps, Is.EqualTo(1));
        solver.HaltThreshold = 0.5; // the reference's rule: logit > 0
        Assert.That(solver.Solve(puzzle).Steps, Is.EqualTo(1));
        solver.HaltThreshold = 0.732;
        Assert.That(solver.Solve(puzzle).Steps, Is.EqualTo(5));
    }

    [TestCase(0.49)]
    [TestCase(1.0)]
    [TestCase(double.NaN)]
    public void RejectsAHaltThresholdThatIsNotAProbabilityAboveOneHalf(double threshold)
    {
        using var model = NewModel(qHaltBias: 0);
        var solver = new PuzzleSolver(model);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => solver.HaltThreshold = threshold)!;
        Assert.That(e.Message, Does.Contain("[0.5, 1)"));
        Assert.That(solver.HaltThreshold, Is.EqualTo(0.9));
    }

    [Test]
    public void RunsToTheStepLimitWhenTheModelNeverHalts()
    {
        using var model = NewModel(qHaltBias: -8);
        var solver = new PuzzleSolver(model) { StopAtHalt = true };
        var puzzle = Puzzle(2);
        var solution = solver.Solve(puzzle);
        Assert.That(solution.Steps, Is.EqualTo(5));
        Assert.That(solution.Halted, Is.False);
        Assert.That(solution.Tokens, Is.EqualTo(DirectAnswer(model, puzzle, 5)));
    }

    [Test]
    public void BatchAnswersMatchSingleAnswers()
    {
        using var model = NewModel(qHaltBias: -8);
        var solver = new PuzzleSolver(model);
        var puzzles = new[] { Puzzle(3), Puzzle(4), Puzzle(5) };
        var batch = solver.SolveBatch(puzzles);
        for (var i = 0; i < puzzles.Length; i++)
        {
            Assert.That(batch[i].Tokens, Is.EqualTo(solver.Solve(puzzles[i]).Tokens));
        }
    }

    [Test]
    public void LoadsACheckpointFolderAndDetectsCorruption()
    {
        using var model = NewModel(qHaltBias: -8);
        var dir = Path.Combine(_root, "step_7");
        Directory.CreateDirectory(dir);
        var weights = Path.Combine(dir, "model.safetensors");
        TrmStateDict.SaveReference(model, weights, new Dictionary<string, string> { ["trm_config"] = ConfigJson });
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(weights)));
        File.WriteAllText(Path.Combine(dir, "manifest.json"),
            "{\"format\":\"trm-checkpoint\",\"version\":1,\"step\":7,\"files\":{\"model.safetensors\":{\"bytes\":" + new FileInfo(weights).Length + ",\"sha256\":\"" + sha + "\"}}}");

        var puzzle = Puzzle(6);
        using (var loaded = PuzzleSolver.Load(dir))
        {
            Assert.That(loaded.Config.HiddenSize, Is.EqualTo(32));
            Assert.That(loaded.Solve(puzzle).Tokens, Is.EqualTo(new PuzzleSolver(model).Solve(puzzle).Tokens));
        }

        // More ACT steps than the checkpoint's halt_max_steps (5): the answer is the model's own 7-step answer.
        using (var longer = PuzzleSolver.Load(dir, Device.Cpu, actSteps: 7))
        {
            Assert.That(longer.Config.EffectiveEvalHaltMaxSteps, Is.EqualTo(7));
            Assert.That(longer.Config.HaltMaxSteps, Is.EqualTo(5), "the training limit is kept");
            var solution = longer.Solve(puzzle);
            Assert.That(solution.Steps, Is.EqualTo(7));
            using var sevenStep = NewModel(qHaltBias: -8);
            using var asLoaded = new TrmModel(sevenStep.Config with { EvalHaltMaxSteps = 7 }, new Generator(11));
            TrmStateDict.LoadFile(asLoaded, weights);
            asLoaded.Eval();
            Assert.That(solution.Tokens, Is.EqualTo(DirectAnswer(asLoaded, puzzle, 7)));
        }
        Assert.That(() => PuzzleSolver.Load(dir, Device.Cpu, actSteps: 0), Throws.TypeOf<Trm.Model.Configuration.TrmConfigException>().With.Message.Contains("eval_halt_max_steps"));

        var bytes = File.ReadAllBytes(weights);
        bytes[^5] ^= 0x11;
        File.WriteAllBytes(weights, bytes);
        var e = Assert.Throws<TrmCheckpointException>(() => PuzzleSolver.Load(dir))!;
        Assert.That(e.Message, Does.Contain("fails its checksum"));
    }

    [Test]
    public void RejectsMalformedInputs()
    {
        using var model = NewModel(qHaltBias: 0);
        var solver = new PuzzleSolver(model);
        Assert.That(() => solver.Solve(new int[80]), Throws.ArgumentException.With.Message.Contains("has 80 tokens, the model expects 81"));
        var bad = Puzzle(7);
        bad[10] = 11;
        Assert.That(() => solver.Solve(bad), Throws.ArgumentException.With.Message.Contains("position 10: token 11"));
        Assert.That(() => PuzzleSolver.Load(Path.Combine(_root, "missing")), Throws.TypeOf<TrmCheckpointException>().With.Message.Contains("not found"));
    }
}
