namespace Trm.Training.Language;

/// <summary>
/// One micro-batch of next-token rows on the host, row-major <c>Rows × Length</c>: input ids, target ids and a mask that is
/// 1 where the target is trained on (assistant tokens, or every real token).
/// </summary>
internal sealed record LmBatch(int Rows, int Length, int[] Inputs, int[] Targets, byte[] LossMask)
{
    /// <summary>Target tokens that count.</summary>
    public int CountedTokens { get; } = LossMask.Count(m => m != 0);

    /// <summary>Inputs as int64 (host).</summary>
    public long[] InputIds() => Array.ConvertAll(Inputs, i => (long)i);

    /// <summary>Targets as int64 with <paramref name="ignoreIndex"/> where the mask is 0 (host).</summary>
    public long[] Labels(long ignoreIndex = -100)
    {
        var labels = new long[Targets.Length];
        for (var i = 0; i < labels.Length; i++) labels[i] = LossMask[i] != 0 ? Targets[i] : ignoreIndex;
        return labels;
    }

    /// <summary>Rows <c>[from, to)</c> of this batch (a data-parallel rank's share).</summary>
    public LmBatch Slice(int from, int to) => new(to - from, Length, Inputs[(from * Length)..(to * Length)], Targets[(from * Length)..(to * Length)], LossMask[(from * Length)..(to * Length)]);
}
