using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trm.Model;
using Trm.Rl.Policies;
using Trm.Rl.Tasks;
using Trm.Tokenization;
using Trm.Torch;
using Trm.Torch.Distributed;

namespace Trm.Rl.Grpo;

/// <summary>
/// Builds a <see cref="GrpoTrainer"/>:
/// <code>
/// using var grpo = GrpoTrainer.CreateBuilder()
///     .FromCheckpoint("runs/sft/step_2000")
///     .WithTask(new SyntheticRlTask(new AdditionTask(), seed: 1, count: 5000))
///     .WithEvalTask(heldOut)
///     .WithOptions(GrpoOptions.SingleTaskBaseline with { Steps = 200 })
///     .WithOutputDirectory("runs/grpo")
///     .Build();
/// var result = grpo.Train();
/// </code>
/// With several tasks the mix is <see cref="WithTaskMix(string)"/> (default: equal weights). With
/// <see cref="GrpoOptions.KlCoef"/> &gt; 0 the reference is a frozen copy of the starting policy unless one is given.
/// </summary>
public sealed class GrpoTrainerBuilder
{
    private readonly List<IRlTask> _tasks = [];
    private readonly List<IRlTask> _evalTasks = [];
    private string? _checkpoint;
    private string? _tokenizerSpec;
    private TrmModel? _model;
    private Tokenizer? _tokenizer;
    private TrmModel? _reference;
    private string? _mix;
    private int? _evalMaxProblems;
    private GrpoOptions _options = GrpoOptions.SingleTaskBaseline;
    private string? _output;
    private Device? _device;
    private ILogger? _logger;
    private ProcessGroup? _group;

    /// <summary>Starts from a checkpoint (the trainer owns the model it loads).</summary>
    /// <param name="path">A <c>step_N</c> folder, run folder or <c>.safetensors</c> file.</param>
    /// <param name="tokenizerSpec">Overrides the checkpoint's tokenizer.</param>
    public GrpoTrainerBuilder FromCheckpoint(string path, string? tokenizerSpec = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _checkpoint = path;
        _tokenizerSpec = tokenizerSpec;
        _model = null;
        return this;
    }

    /// <summary>Trains a live model (not disposed by the trainer) with its base tokenizer.</summary>
    public GrpoTrainerBuilder WithModel(TrmModel model, Tokenizer baseTokenizer)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = baseTokenizer ?? throw new ArgumentNullException(nameof(baseTokenizer));
        _checkpoint = null;
        return this;
    }

    /// <summary>The frozen reference of the KL penalty (default: a copy of the starting policy); the trainer disposes it.</summary>
    public GrpoTrainerBuilder WithReference(TrmModel reference)
    {
        _reference = reference ?? throw new ArgumentNullException(nameof(reference));
        return this;
    }

    /// <summary>Adds a training task.</summary>
    public GrpoTrainerBuilder WithTask(IRlTask task)
    {
        _tasks.Add(task ?? throw new ArgumentNullException(nameof(task)));
        return this;
    }

    /// <summary>The task mix, e.g. <c>gsm8k:0.45,addition:0.55</c> (names of tasks added with <see cref="WithTask"/>).</summary>
    public GrpoTrainerBuilder WithTaskMix(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        _mix = spec;
        return this;
    }

    /// <summary>Adds a held-out task whose pass@1 is measured at the start, every <see cref="GrpoOptions.EvalEvery"/> steps and at the end.</summary>
    /// <param name="task">The task.</param>
    /// <param name="maxProblems">Most problems evaluated per task (the first ones); null: all.</param>
    public GrpoTrainerBuilder WithEvalTask(IRlTask task, int? maxProblems = null)
    {
        _evalTasks.Add(task ?? throw new ArgumentNullException(nameof(task)));
        if (maxProblems is not null) _evalMaxProblems = maxProblems;
        return this;
    }

    /// <summary>The settings (default <see cref="GrpoOptions.SingleTaskBaseline"/>).</summary>
    public GrpoTrainerBuilder WithOptions(GrpoOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Where checkpoints (<c>step_N</c>) and <c>metrics.jsonl</c> go; none by default.</summary>
    public GrpoTrainerBuilder WithOutputDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _output = directory;
        return this;
    }

    /// <summary>Loads a checkpoint's model on <paramref name="device"/> (default CPU).</summary>
    public GrpoTrainerBuilder OnDevice(Device device)
    {
        _device = device;
        return this;
    }

    /// <summary>
    /// Trains data-parallel over <paramref name="group"/> (every rank builds the same trainer): each rank samples the
    /// replies of its share of the step's prompt groups, the samples are gathered, and every rank runs the same update on
    /// all of them, so the ranks' weights stay identical. Only rank 0 evaluates, logs and writes checkpoints and metrics.
    /// </summary>
    /// <param name="group">A c10d process group (Gloo on CPU); <see cref="GrpoOptions.PromptsPerStep"/> must be a multiple of its size.</param>
    public GrpoTrainerBuilder WithProcessGroup(ProcessGroup group)
    {
        _group = group ?? throw new ArgumentNullException(nameof(group));
        return this;
    }

    /// <summary>Logs progress to <paramref name="logger"/>.</summary>
    public GrpoTrainerBuilder WithLogger(ILogger logger)
    {
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        return this;
    }

    /// <summary>Builds the trainer.</summary>
    /// <exception cref="InvalidOperationException">No model or no task.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Invalid options.</exception>
    /// <exception cref="FormatException">A malformed task mix.</exception>
    public GrpoTrainer Build()
    {
        _options.Validate();
        if (_group is not null && _options.PromptsPerStep % _group.WorldSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(GrpoOptions.PromptsPerStep), _options.PromptsPerStep, $"PromptsPerStep (prompts_per_step) must be a multiple of the {_group.WorldSize} ranks");
        }
        if (_tasks.Count == 0) throw new InvalidOperationException("GrpoTrainerBuilder: add at least one task (WithTask)");
        var mix = _mix is not null ? TaskMix.Parse(_mix) : TaskMix.Create(_tasks.Select(t => (t.Name, 1.0)));
        var sampler = new MixedTaskSampler(mix, _tasks);
        TrmModel model;
        Tokenizer tokenizer;
        bool owns;
        if (_model is not null)
        {
            (model, tokenizer, owns) = (_model, _tokenizer!, false);
        }
        else if (_checkpoint is not null)
        {
            (model, tokenizer, _) = PolicyCheckpoint.Load(_checkpoint, _tokenizerSpec, _device);
            owns = true;
        }
        else
        {
            throw new InvalidOperationException("GrpoTrainerBuilder: call FromCheckpoint or WithModel first");
        }

        TrmModel? reference = null;
        try
        {
            reference = _options.KlCoef > 0 ? _reference ?? PolicyCheckpoint.FrozenCopy(model) : _reference;
            if (_output is not null) Directory.CreateDirectory(_output);
            return new GrpoTrainer(model, owns, reference, tokenizer, sampler, _evalTasks.ToArray(), _evalMaxProblems, _options, _output,
                _logger ?? NullLogger.Instance, _group);
        }
        catch
        {
            if (owns) model.Dispose();
            if (!ReferenceEquals(reference, _reference)) reference?.Dispose();
            throw;
        }
    }
}
