using Trm.Model;

namespace Trm.Training.Evaluation;

/// <summary>
/// An evaluation of a model on a fixed set of problems: puzzle exact accuracy, ARC augmentation voting, and (in Trm.Rl)
/// generative pass@k and multiple choice for chat models. An evaluator holds its problems and settings; the model is
/// passed at each call, so a trainer can run it at every evaluation (<c>evaluators=[arc]</c>).
/// </summary>
public interface IModelEvaluator
{
    /// <summary>A short name (<c>arc</c>, <c>gsm8k</c>…), used as the prefix of its metrics.</summary>
    string Name { get; }

    /// <summary>Evaluates <paramref name="model"/> (in evaluation mode, without gradients; its mode is restored).</summary>
    /// <param name="model">The model.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    ModelEvaluation Evaluate(TrmModel model, CancellationToken cancellationToken = default);
}
