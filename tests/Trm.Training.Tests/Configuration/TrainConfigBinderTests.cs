using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Trm.Model;
using Trm.Model.Configuration;
using Trm.Torch;
using Trm.Training.Configuration;
using Trm.Training.Losses;

namespace Trm.Training.Tests.Configuration;

/// <summary><c>AddTrmTraining</c>: <c>IOptions&lt;TrainConfig&gt;</c> from appsettings.json in either spelling, and its errors.</summary>
public sealed class TrainConfigBinderTests
{
    private const string SnakeCase = """
        {
          "Trm": {
            "Training": {
              "data_paths": [ "data/a", "data/b" ],
              "evaluators": [],
              "global_batch_size": 32,
              "epochs": 4,
              "eval_interval": 2,
              "lr": 1e-3,
              "lr_warmup_steps": 100,
              "lr_min_ratio": 0.1,
              "optimizer": "adamw",
              "grad_clip_norm": 1.0,
              "load_checkpoint": null,
              "ema": true,
              "run_name": "x",
              "arch": {
                "name": "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1",
                "H_cycles": 2,
                "L_cycles": 3,
                "hidden_size": 64,
                "mlp_t": true,
                "pos_encodings": "none",
                "puzzle_emb_ndim": 0,
                "forward_dtype": "float32",
                "no_ACT_continue": false,
                "loss": { "name": "losses@ACTLossHead", "loss_type": "softmax_cross_entropy" }
              }
            }
          }
        }
        """;

    private const string PascalCase = """
        {
          "Trm": {
            "Training": {
              "DataPaths": [ "data/a", "data/b" ],
              "GlobalBatchSize": 32,
              "Epochs": 4,
              "EvalInterval": 2,
              "Lr": 0.001,
              "LrWarmupSteps": 100,
              "LrMinRatio": 0.1,
              "Optimizer": "AdamW",
              "GradClipNorm": 1,
              "Ema": true,
              "RunName": "x",
              "Arch": {
                "HCycles": 2,
                "LCycles": 3,
                "HiddenSize": 64,
                "MlpT": true,
                "PosEncodings": "None",
                "PuzzleEmbNdim": 0,
                "ForwardDType": "Float32",
                "NoActContinue": false,
                "Loss": { "LossType": "SoftmaxCrossEntropy" }
              }
            }
          }
        }
        """;

    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("trm-binder-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void SnakeCaseAndPascalCaseFilesBindTheSameConfig()
    {
        var snake = Options(SnakeCase).Value;
        var pascal = Options(PascalCase).Value;

        Assert.That(ConfigLoader.ToJson(pascal), Is.EqualTo(ConfigLoader.ToJson(snake)));
        Assert.That(snake.DataPaths, Is.EqualTo(new[] { "data/a", "data/b" }));
        Assert.That(snake.Evaluators, Is.Empty);
        Assert.That(snake.GlobalBatchSize, Is.EqualTo(32));
        Assert.That(snake.Epochs, Is.EqualTo(4));
        Assert.That(snake.EvalInterval, Is.EqualTo(2));
        Assert.That(snake.Lr, Is.EqualTo(1e-3));
        Assert.That(snake.LrWarmupSteps, Is.EqualTo(100));
        Assert.That(snake.LrMinRatio, Is.EqualTo(0.1));
        Assert.That(snake.Optimizer, Is.EqualTo(OptimizerKind.AdamW));
        Assert.That(snake.GradClipNorm, Is.EqualTo(1.0));
        Assert.That(snake.LoadCheckpoint, Is.Null);
        Assert.That(snake.Ema, Is.True);
        Assert.That(snake.RunName, Is.EqualTo("x"));
        Assert.That(snake.LossType, Is.EqualTo(LossKind.SoftmaxCrossEntropy));
        Assert.That(snake.Arch.HCycles, Is.EqualTo(2));
        Assert.That(snake.Arch.LCycles, Is.EqualTo(3));
        Assert.That(snake.Arch.HiddenSize, Is.EqualTo(64));
        Assert.That(snake.Arch.MlpT, Is.True);
        Assert.That(snake.Arch.PosEncodings, Is.EqualTo(PositionEncoding.None));
        Assert.That(snake.Arch.PuzzleEmbNdim, Is.EqualTo(0));
        Assert.That(snake.Arch.ForwardDType, Is.EqualTo(DType.Float32));
        Assert.That(snake.Arch.NoActContinue, Is.False);
        // Keys not written keep the reference's defaults.
        Assert.That(snake.Beta2, Is.EqualTo(0.95));
        Assert.That(snake.Arch.LLayers, Is.EqualTo(2));
        Assert.That(snake.Arch.NumHeads, Is.EqualTo(8));
    }

    [Test]
    public void ListsAndNullsComeFromOtherProvidersToo()
    {
        // Command-line style: the override syntax for a list, and "null" for an unset value.
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Trm:Training:data_paths"] = "[data/a, data/b]",
            ["Trm:Training:eval_interval"] = "null",
            ["Trm:Training:ARCH:h_CYCLES"] = "5",
        }).Build().GetSection("Trm:Training");

        var config = TrainConfigBinder.Bind(section);

        Assert.That(config.DataPaths, Is.EqualTo(new[] { "data/a", "data/b" }));
        Assert.That(config.EvalInterval, Is.Null);
        Assert.That(config.Arch.HCycles, Is.EqualTo(5));
    }

    [TestCase("""{ "arch": { "L_cycle": 6 } }""", "'arch.L_cycle'", "'Trm:Training:arch:L_cycle'", "did you mean 'arch.L_cycles'?")]
    [TestCase("""{ "Arch": { "LCycle": 6 } }""", "'Arch.LCycle'", "'Trm:Training:Arch:LCycle'", "did you mean 'arch.L_cycles'?")]
    [TestCase("""{ "lr_warmup_step": 10 }""", "'lr_warmup_step'", "'Trm:Training:lr_warmup_step'", "did you mean 'lr_warmup_steps'?")]
    [TestCase("""{ "arc": { "H_cycles": 2 } }""", "'arc'", "'Trm:Training:arc'", "unknown section; sections are arch, arch.loss")]
    public void MisspelledKeyFailsNamingTheKeyItsPathAndASuggestion(string training, string key, string path, string hint)
    {
        var options = Options(Wrap(training));

        var error = Assert.Throws<OptionsValidationException>(() => _ = options.Value)!;

        Assert.That(error.Message, Does.Contain($"Config key {key} (configuration {path}): unknown").And.Contain(hint));
    }

    [TestCase("""{ "lr": "fast" }""", "Config key 'lr' (configuration 'Trm:Training:lr'): expected a number, got 'fast'")]
    [TestCase("""{ "Arch": { "PosEncodings": "sinus" } }""", "Config key 'Arch.PosEncodings' (configuration 'Trm:Training:Arch:PosEncodings'): must be rope, learned or none, got 'sinus'")]
    [TestCase("""{ "arch": { "H_cycles": [ 1, 2 ] } }""", "Config key 'arch.H_cycles' (configuration 'Trm:Training:arch:H_cycles'): expected an integer, got a section (0, 1)")]
    [TestCase("""{ "lr_warmup_steps": 1, "LrWarmupSteps": 2 }""", "Config key 'lr_warmup_steps' (configuration 'Trm:Training:lr_warmup_steps'): is set twice, also as 'LrWarmupSteps' (configuration 'Trm:Training:LrWarmupSteps')")]
    public void WrongValueFailsNamingTheKeyAsWrittenAndTheValue(string training, string expected)
    {
        var options = Options(Wrap(training));

        var error = Assert.Throws<OptionsValidationException>(() => _ = options.Value)!;

        Assert.That(error.Message, Does.Contain(expected));
    }

    [Test]
    public void EveryProblemIsReportedAtOnce()
    {
        var error = Assert.Throws<OptionsValidationException>(() => _ = Options(Wrap("""{ "lr": "fast", "arch": { "L_cycle": 6 } }""")).Value)!;

        Assert.That(error.Failures.Count(), Is.EqualTo(2));
    }

    [TestCase("""{ "data_paths": [ "d" ], "LrMinRatio": 2 }""", "Config key 'LrMinRatio' (configuration 'Trm:Training:LrMinRatio'): must be in [0, 1], got 2")]
    [TestCase("""{ "data_paths": [ "d" ], "arch": { "H_cycles": 0 } }""", "Config key 'arch.H_cycles' (configuration 'Trm:Training:arch:H_cycles'): must be positive")]
    [TestCase("""{ "DataPaths": [ "d" ], "Epochs": 7, "EvalInterval": 3 }""", "Config key 'EvalInterval' (configuration 'Trm:Training:EvalInterval'): must divide epochs (7), got 3")]
    [TestCase("""{ "epochs": 7 }""", "Config key 'data_paths' (configuration 'Trm:Training:data_paths'): at least one dataset folder is required")]
    public void ValidationAtStartNamesTheKeyAsWritten(string training, string expected)
    {
        using var services = Services(Wrap(training));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate())!;

        Assert.That(error.Message, Does.Contain(expected));
    }

    [Test]
    public void EpochsAloneEvaluatesOnceAtTheEndInEveryPath()
    {
        using var services = Services(Wrap("""{ "data_paths": [ "d" ], "epochs": 7 }"""));
        services.GetRequiredService<IStartupValidator>().Validate();
        var bound = services.GetRequiredService<IOptions<TrainConfig>>().Value;
        var overridden = ConfigLoader.Load(["data_paths=[d]", "epochs=7"]);
        var json = ConfigLoader.FromJson("""{ "data_paths": ["d"], "epochs": 7 }""", "test").Validate();

        Assert.That(bound.Epochs, Is.EqualTo(7));
        Assert.That(bound.EvalInterval, Is.Null);
        Assert.That(overridden.EvalInterval, Is.Null);
        Assert.That(json.EvalInterval, Is.Null);
        // The default still applies where it divides epochs (the reference's 100000).
        Assert.That(ConfigLoader.Load(["data_paths=[d]"]).EvalInterval, Is.EqualTo(10000));
        Assert.That(ConfigLoader.Load(["data_paths=[d]", "epochs=20000"]).EvalInterval, Is.EqualTo(10000));
    }

    [Test]
    public void BindThrowsTheFirstProblem()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["arch:L_cycle"] = "6" }).Build();

        var error = Assert.Throws<TrmConfigException>(() => TrainConfigBinder.Bind(section))!;

        Assert.That(error.Key, Is.EqualTo("arch.L_cycle"));
        Assert.That(error.Message, Is.EqualTo("Config key 'arch.L_cycle' (configuration 'arch:L_cycle'): unknown key; did you mean 'arch.L_cycles'?"));
    }

    private static string Wrap(string training) => $$"""{ "Trm": { "Training": {{training}} } }""";

    private IOptions<TrainConfig> Options(string appsettings) => Services(appsettings).GetRequiredService<IOptions<TrainConfig>>();

    private ServiceProvider Services(string appsettings)
    {
        var file = Path.Combine(_root, $"appsettings-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, appsettings);
        var configuration = new ConfigurationBuilder().AddJsonFile(file).Build();
        return new ServiceCollection().AddTrmTraining(configuration.GetSection("Trm:Training")).BuildServiceProvider();
    }
}
