using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Model.Configuration;
using Trm.Torch;

namespace Trm.Inference.Puzzles;

/// <summary>
/// Solves puzzles with a trained TRM: feeds the input grid (as tokens), runs ACT steps in evaluation mode and returns the
/// predicted grid and the steps used. By default every puzzle runs all <c>halt_max_steps</c> steps and is answered from the
/// last one, as the evaluation that reports a checkpoint's accuracy does; with <see cref="StopAtHalt"/> each puzzle stops
/// at the first step whose halting probability exceeds <see cref="HaltThreshold"/> (ACT early stopping: fewer steps,
/// measured in docs/puzzles.md). Load one from a training checkpoint with <see cref="Load(string, Device?, int?)"/>. Not thread-safe.
/// </summary>
public sealed class PuzzleSolver : IDisposable
{
    private readonly TrmModel _model;
    private readonly bool _ownsModel;

    /// <summary>Wraps an in-memory model (not disposed by the solver).</summary>
    /// <param name="model">A trained model.</param>
    public PuzzleSolver(TrmModel model)
        : this(model, ownsModel: false)
    {
    }

    /// <summary>Wraps an in-memory model; with <paramref name="ownsModel"/> the solver disposes it (e.g. one from <see cref="TrmCheckpoint.LoadModel(Device?, int?)"/>).</summary>
    /// <param name="model">A trained model.</param>
    /// <param name="ownsModel">Dispose the model with the solver.</param>
    public PuzzleSolver(TrmModel model, bool ownsModel)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _ownsModel = ownsModel;
        Device = model.Parameters().FirstOrDefault()?.Device ?? Device.Cpu;
    }

    /// <summary>The model's configuration.</summary>
    public TrmConfig Config => _model.Config;

    /// <summary>The device the model runs on.</summary>
    public Device Device { get; }

    /// <summary>
    /// The default <see cref="HaltThreshold"/>: 0.9. On the quickstart's held-out Sudoku it keeps the all-steps accuracy
    /// (96.2 %) with about half the ACT steps, where the reference's training rule (halting logit &gt; 0, i.e. 0.5) loses
    /// 19 points (docs/puzzles.md).
    /// </summary>
    public const double DefaultHaltThreshold = 0.9;

    private double _haltThreshold = DefaultHaltThreshold;

    /// <summary>
    /// Whether a puzzle stops at its first step whose halting probability (sigmoid of the halting logit) exceeds
    /// <see cref="HaltThreshold"/> (ACT early stopping). <see langword="false"/>, the default, always runs
    /// <see cref="TrmConfig.EffectiveEvalHaltMaxSteps"/> steps and answers from the last one, as the reference's evaluation does, so the answer has
    /// the accuracy that evaluation reports.
    /// </summary>
    public bool StopAtHalt { get; set; }

    /// <summary>
    /// Halting probability a step must exceed for <see cref="StopAtHalt"/> to stop there, in [0.5, 1). 0.5 is the
    /// reference's training rule (halting logit &gt; 0); higher values stop only when the model is surer its answer is right.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0.5, 1).</exception>
    public double HaltThreshold
    {
        get => _haltThreshold;
        set
        {
            if (!(value >= 0.5 && value < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "HaltThreshold must be a probability in [0.5, 1)");
            }
            _haltThreshold = value;
        }
    }

    /// <summary>
    /// Loads a checkpoint folder (a <c>step_N</c> or run folder, verified against its manifest) through
    /// <see cref="TrmCheckpoint"/>. For a bare weights file use <see cref="TrmCheckpoint.Import"/> and
    /// <see cref="PuzzleSolver(TrmModel)"/>.
    /// </summary>
    /// <param name="checkpoint">Checkpoint or run folder.</param>
    /// <param name="device">Device to run on (default CPU); bfloat16 forward only on CUDA when the checkpoint asks for it.</param>
    /// <exception cref="TrmCheckpointException">The checkpoint is missing, corrupted or not a TRM checkpoint; the message names the file.</exception>
    public static PuzzleSolver Load(string checkpoint, Device? device) => Load(checkpoint, device, actSteps: null);

    /// <summary>
    /// Loads a checkpoint as <see cref="Load(string, Device?)"/> does, running <paramref name="actSteps"/> ACT steps per
    /// puzzle instead of the checkpoint's <see cref="TrmConfig.EffectiveEvalHaltMaxSteps"/>.
    /// </summary>
    /// <param name="checkpoint">Checkpoint or run folder.</param>
    /// <param name="device">Device to run on (default CPU).</param>
    /// <param name="actSteps">ACT steps per puzzle; <see langword="null"/> keeps the checkpoint's.</param>
    /// <exception cref="TrmCheckpointException">The checkpoint is missing, corrupted or not a TRM checkpoint; the message names the file.</exception>
    /// <exception cref="TrmConfigException"><paramref name="actSteps"/> is not positive or too large.</exception>
    public static PuzzleSolver Load(string checkpoint, Device? device = null, int? actSteps = null) =>
        new(TrmCheckpoint.Open(checkpoint).LoadModel(device, actSteps), ownsModel: true);

    /// <summary>Solves one puzzle.</summary>
    /// <param name="inputTokens">The puzzle as <c>seq_len</c> tokens (e.g. Sudoku: 1 = blank, 2..10 = digits 1..9).</param>
    /// <param name="puzzleIdentifier">Puzzle identifier (0, the blank identifier, for puzzles without one).</param>
    public PuzzleSolution Solve(ReadOnlySpan<int> inputTokens, int puzzleIdentifier = 0) =>
        SolveBatch([inputTokens.ToArray()], [puzzleIdentifier])[0];

    /// <summary>Solves several puzzles in one batch; each stops at its own halting step.</summary>
    /// <param name="inputs">Puzzles, each <c>seq_len</c> tokens.</param>
    /// <param name="puzzleIdentifiers">Identifiers (default 0 for all).</param>
    /// <param name="cancellationToken">Stops between ACT steps.</param>
    public IReadOnlyList<PuzzleSolution> SolveBatch(IReadOnlyList<int[]> inputs, IReadOnlyList<int>? puzzleIdentifiers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var rows = inputs.Count;
        var seqLen = Config.SeqLen;
        if (rows == 0) return [];
        if (puzzleIdentifiers is not null && puzzleIdentifiers.Count != rows)
        {
            throw new ArgumentException($"{puzzleIdentifiers.Count} identifiers for {rows} puzzles", nameof(puzzleIdentifiers));
        }
        var flat = new long[rows * seqLen];
        for (var r = 0; r < rows; r++)
        {
            if (inputs[r].Length != seqLen)
            {
                throw new ArgumentException($"puzzle {r} has {inputs[r].Length} tokens, the model expects {seqLen}", nameof(inputs));
            }
            for (var i = 0; i < seqLen; i++)
            {
                var token = inputs[r][i];
                if (token < 0 || token >= Config.VocabSize)
                {
                    throw new ArgumentException($"puzzle {r}, position {i}: token {token} is outside the vocabulary [0, {Config.VocabSize})", nameof(inputs));
                }
                flat[r * seqLen + i] = token;
            }
        }
        var ids = new long[rows];
        for (var r = 0; r < rows; r++) ids[r] = puzzleIdentifiers?[r] ?? 0;

        var results = new PuzzleSolution?[rows];
        using var noGrad = Engine.NoGrad();
        using var scope = Engine.NewDisposeScope();
        _model.Eval();
        var inputsTensor = Tensors.FromArray(flat, rows, seqLen).To(Device);
        using var batch = new TrmBatch(inputsTensor, Tensors.Full([rows, seqLen], -100, DType.Int64, Device), Tensors.FromArray(ids, rows).To(Device));
        var carry = _model.InitialCarry(batch);
        // sigmoid(q) > p  <=>  q > logit(p)
        var haltLogit = Math.Log(HaltThreshold / (1 - HaltThreshold));
        try
        {
            for (var step = 1; step <= Config.EffectiveEvalHaltMaxSteps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var stepScope = Engine.NewDisposeScope();
                var (next, outputs) = _model.Forward(carry, batch);
                carry.Dispose();
                carry = next;
                var qHalt = outputs.QHaltLogits.To(DType.Float32).ToArray<float>();
                int[]? predictions = null;
                var last = step == Config.EffectiveEvalHaltMaxSteps;
                for (var r = 0; r < rows; r++)
                {
                    var confident = qHalt[r] > haltLogit;
                    if (results[r] is not null || ((!confident || !StopAtHalt) && !last)) continue;
                    predictions ??= outputs.Logits.ArgMax(-1).To(DType.Int32).ToArray<int>();
                    results[r] = new PuzzleSolution(predictions.AsSpan(r * seqLen, seqLen).ToArray(), step, confident, qHalt[r]);
                }
                if (results.All(x => x is not null)) break;
            }
        }
        finally
        {
            carry.Dispose();
        }
        return [.. results.Select(x => x!)];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsModel) _model.Dispose();
    }
}
