namespace Trm.Data.Sft.Tasks;

/// <summary>
/// Word reversal: "Reverse the word 'trm'." → <c>#### mrt</c>; the think steps spell the word, then spell it backwards.
/// Words are <see cref="MinLength"/>…<see cref="MaxLength"/> random lower-case letters.
/// </summary>
public sealed class ReversalTask : SyntheticTask
{
    /// <summary>Creates the task.</summary>
    /// <param name="minLength">Shortest word (≥ 1).</param>
    /// <param name="maxLength">Longest word.</param>
    public ReversalTask(int minLength = 3, int maxLength = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, minLength);
        MinLength = minLength;
        MaxLength = maxLength;
    }

    /// <summary>Shortest word.</summary>
    public int MinLength { get; }

    /// <summary>Longest word.</summary>
    public int MaxLength { get; }

    /// <inheritdoc/>
    public override string Name => "reversal";

    /// <summary>The problem of reversing <paramref name="word"/>, with its steps.</summary>
    public static SyntheticProblem Solve(string word)
    {
        ArgumentException.ThrowIfNullOrEmpty(word);
        var reversed = new string(word.Reverse().ToArray());
        return new SyntheticProblem($"Reverse the word '{word}'.", $"spelled: {string.Join(' ', word.ToCharArray())}\nbackwards: {string.Join(' ', reversed.ToCharArray())}", reversed);
    }

    private protected override SyntheticProblem Generate(ref SplitMix64 rng)
    {
        var length = MinLength + (int)rng.NextLong(MaxLength - MinLength + 1);
        var letters = new char[length];
        for (var i = 0; i < length; i++)
            letters[i] = (char)('a' + rng.NextLong(26));
        return Solve(new string(letters));
    }
}
