using System.Globalization;
using Trm.Data.Sft.Tasks;
using Trm.Inference.Generation;
using Trm.Model;
using Trm.Model.Language;
using Trm.Tokenization;
using Trm.Training.Evaluation;

namespace Trm.Rl.Evaluation;

/// <summary>
/// Generative evaluation with pass@k: n replies per problem (chat template, stop at <c>&lt;|end|&gt;</c>), each checked
/// against the reference (default: <see cref="AnswerVerifier.IsCorrect"/>, GSM8K's exact match of the number after
/// <c>####</c>); metrics <c>pass@1</c>…<c>pass@n</c>.
/// </summary>
public sealed class GenerativeEvaluator : IModelEvaluator
{
    private readonly IReadOnlyList<GenerativeProblem> _problems;
    private readonly Tokenizer _tokenizer;
    private readonly GenerativeEvalOptions _options;
    private readonly Func<string, string, bool> _isCorrect;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="name">The task name (e.g. <c>gsm8k</c>).</param>
    /// <param name="problems">The problems.</param>
    /// <param name="tokenizer">The base tokenizer the model was trained with (the chat tokens are added).</param>
    /// <param name="options">Sampling settings (validated).</param>
    /// <param name="isCorrect">Checks a reply against the reference; default <see cref="AnswerVerifier.IsCorrect"/>.</param>
    public GenerativeEvaluator(string name, IReadOnlyList<GenerativeProblem> problems, Tokenizer tokenizer, GenerativeEvalOptions? options = null,
        Func<string, string, bool>? isCorrect = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _problems = problems ?? throw new ArgumentNullException(nameof(problems));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _options = options ?? new GenerativeEvalOptions();
        _options.Validate();
        _isCorrect = isCorrect ?? AnswerVerifier.IsCorrect;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>After an evaluation: for each problem, whether each sample was correct.</summary>
    public IReadOnlyList<IReadOnlyList<bool>> LastOutcomes { get; private set; } = [];

    /// <inheritdoc/>
    public ModelEvaluation Evaluate(TrmModel model, CancellationToken cancellationToken = default) => EvaluateLanguageModel(model, cancellationToken);

    /// <summary>Evaluates any causal language model (see <see cref="Evaluate(TrmModel, CancellationToken)"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    public ModelEvaluation EvaluateLanguageModel(ICausalLanguageModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var chat = TextGenerator.CreateBuilder().WithModel(model).WithTokenizer(_tokenizer).BuildChat();
        var outcomes = _problems.Select(_ => new List<bool>()).ToList();
        var jobs = Enumerable.Range(0, _problems.Count).SelectMany(p => Enumerable.Range(0, _options.Samples).Select(s => (Problem: p, Sample: s))).ToList();
        for (var start = 0; start < jobs.Count; start += _options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = jobs.Skip(start).Take(_options.BatchSize).ToList();
            var generation = new GenerationOptions
            {
                Temperature = _options.Temperature,
                TopK = _options.TopK,
                MaxNewTokens = _options.MaxNewTokens,
                Seed = _options.Seed + start,
            };
            var replies = chat.Complete(batch.Select(j => _problems[j.Problem].Prompt).ToList(), generation, cancellationToken);
            for (var i = 0; i < batch.Count; i++)
                outcomes[batch[i].Problem].Add(_isCorrect(replies[i].Content, _problems[batch[i].Problem].Reference));
        }
        LastOutcomes = outcomes;
        var curve = PassAtK.Curve(outcomes);
        var metrics = new Dictionary<string, double>();
        for (var k = 1; k <= curve.Length; k++) metrics["pass@" + k.ToString(CultureInfo.InvariantCulture)] = curve[k - 1];
        return new ModelEvaluation(Name, _problems.Count, metrics);
    }
}
