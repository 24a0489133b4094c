using Trm.Torch;

namespace Trm.Model.Language;

/// <summary>Argument checks shared by the causal models' <see cref="ICausalLanguageModel.LmForward"/>.</summary>
internal static class LanguageModelChecks
{
    public static void CheckInputs(Tensor inputIds, TrmKvCache? cache, int maxPositions)
    {
        if (inputIds.Dim != 2)
        {
            throw new ArgumentException($"LmForward: input ids must be [B, T], got [{string.Join(", ", inputIds.Shape)}].", nameof(inputIds));
        }

        long past = cache?.Length ?? 0;
        if (past + inputIds.Size(1) > maxPositions)
        {
            throw new InvalidOperationException(
                $"LmForward: {past} cached + {inputIds.Size(1)} new positions exceed the model's {maxPositions} positions (seq_len).");
        }

        cache?.EnsureRoom(inputIds.Size(0), inputIds.Size(1));
    }
}
