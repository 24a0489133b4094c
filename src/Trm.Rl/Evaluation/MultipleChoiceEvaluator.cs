using Trm.Model;
using Trm.Model.Language;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;
using Trm.Training.Evaluation;
using static Trm.Torch.Engine;

namespace Trm.Rl.Evaluation;

/// <summary>
/// Categorical multiple-choice evaluation: the question rendered as a chat prompt
/// (<see cref="MultipleChoiceProblem.FormatPrompt"/>, ending with <c>&lt;|assistant|&gt;</c>), one forward pass, and the
/// answer is the choice letter whose token has the highest logit at the answer position (other tokens are ignored).
/// Metric <c>accuracy</c>; <c>chance</c> is the accuracy of uniform guessing, for comparison.
/// </summary>
public sealed class MultipleChoiceEvaluator : IModelEvaluator
{
    private readonly IReadOnlyList<MultipleChoiceProblem> _problems;
    private readonly ChatTemplate _template;
    private readonly int _batchSize;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="name">The task name (<c>arc-easy</c>, <c>mmlu</c>…).</param>
    /// <param name="problems">The questions.</param>
    /// <param name="tokenizer">The base tokenizer (each letter A, B… must be one token of it).</param>
    /// <param name="batchSize">Questions per forward pass (default 8).</param>
    /// <exception cref="ArgumentException">A choice letter is not a single token.</exception>
    public MultipleChoiceEvaluator(string name, IReadOnlyList<MultipleChoiceProblem> problems, Tokenizer tokenizer, int batchSize = 8)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Name = name;
        _problems = problems ?? throw new ArgumentNullException(nameof(problems));
        _template = ChatTemplate.Create(tokenizer);
        _batchSize = batchSize;
        var most = problems.Count == 0 ? 0 : problems.Max(p => p.Choices.Count);
        LetterIds = Enumerable.Range(0, most).Select(i =>
        {
            var ids = _template.Tokenizer.EncodeToIds(MultipleChoiceProblem.Letter(i));
            return ids.Length == 1 ? ids[0] : throw new ArgumentException($"the letter {MultipleChoiceProblem.Letter(i)} is {ids.Length} tokens for this tokenizer; multiple choice needs one.", nameof(tokenizer));
        }).ToArray();
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The token id of each choice letter (A first).</summary>
    public IReadOnlyList<int> LetterIds { get; }

    /// <summary>After an evaluation: the chosen index of each problem.</summary>
    public IReadOnlyList<int> LastPredictions { get; private set; } = [];

    /// <summary>The index of the letter with the highest logit among the first <paramref name="choices"/> letters.</summary>
    /// <param name="logits">The logits over the vocabulary at the answer position.</param>
    /// <param name="letterIds">The token id of each letter.</param>
    /// <param name="choices">How many choices the question has.</param>
    public static int PickAnswer(ReadOnlySpan<float> logits, IReadOnlyList<int> letterIds, int choices)
    {
        ArgumentNullException.ThrowIfNull(letterIds);
        var best = 0;
        for (var i = 1; i < choices; i++)
            if (logits[letterIds[i]] > logits[letterIds[best]]) best = i;
        return best;
    }

    /// <inheritdoc/>
    public ModelEvaluation Evaluate(TrmModel model, CancellationToken cancellationToken = default) => EvaluateLanguageModel(model, cancellationToken);

    /// <summary>Evaluates any causal language model (see <see cref="Evaluate(TrmModel, CancellationToken)"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    public ModelEvaluation EvaluateLanguageModel(ICausalLanguageModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var predictions = new int[_problems.Count];
        using var noGrad = NoGrad();
        for (var start = 0; start < _problems.Count; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = _problems.Skip(start).Take(_batchSize).ToList();
            var prompts = batch.Select(p => _template.RenderForCompletion([ChatMessage.User(p.FormatPrompt())], model.MaxPositions, ChatTruncation.Tokens).Ids).ToList();
            var length = prompts.Max(p => p.Length);
            var vocab = model.Config.VocabSize;
            // Left padding: every prompt's answer position is the last column.
            var ids = new long[batch.Count * length];
            var mask = new bool[batch.Count * length];
            Array.Fill(ids, _template.PadId);
            for (var r = 0; r < prompts.Count; r++)
                for (var t = 0; t < prompts[r].Length; t++)
                {
                    ids[r * length + length - prompts[r].Length + t] = prompts[r][t];
                    mask[r * length + length - prompts[r].Length + t] = true;
                }
            using var scope = NewDisposeScope();
            var logits = model.LmForward(Tensors.FromArray(ids, batch.Count, length), Tensors.FromArray(mask, batch.Count, length))
                .Select(1, length - 1).To(DType.Float32).To(Device.Cpu).ToArray<float>();
            for (var r = 0; r < batch.Count; r++)
                predictions[start + r] = PickAnswer(logits.AsSpan(r * vocab, vocab), LetterIds, batch[r].Choices.Count);
        }
        LastPredictions = predictions;
        var correct = _problems.Where((p, i) => predictions[i] == p.Answer).Count();
        return new ModelEvaluation(Name, _problems.Count, new Dictionary<string, double>
        {
            ["accuracy"] = _problems.Count == 0 ? 0 : (double)correct / _problems.Count,
            ["chance"] = _problems.Count == 0 ? 0 : _problems.Average(p => 1.0 / p.Choices.Count),
        });
    }
}
