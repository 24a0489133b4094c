using System.Globalization;
using System.Text;

namespace Trm.Data.Sft.Tasks;

/// <summary>
/// Multi-digit addition: "What is 47 + 35?" → <c>#### 82</c>; the think steps add column by column from the right
/// with the carry ("7 + 5 = 12, write 2, carry 1" …). Operands have <see cref="MinDigits"/>…<see cref="MaxDigits"/> digits.
/// </summary>
public sealed class AdditionTask : SyntheticTask
{
    /// <summary>Creates the task.</summary>
    /// <param name="minDigits">Fewest digits of an operand (≥ 1).</param>
    /// <param name="maxDigits">Most digits of an operand (≤ 18).</param>
    public AdditionTask(int minDigits = 2, int maxDigits = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minDigits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDigits, 18);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDigits, minDigits);
        MinDigits = minDigits;
        MaxDigits = maxDigits;
    }

    /// <summary>Fewest digits of an operand.</summary>
    public int MinDigits { get; }

    /// <summary>Most digits of an operand.</summary>
    public int MaxDigits { get; }

    /// <inheritdoc/>
    public override string Name => "addition";

    /// <summary>The problem <paramref name="a"/> + <paramref name="b"/> with its column-by-column steps.</summary>
    public static SyntheticProblem Solve(long a, long b)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(a);
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        var x = a.ToString(CultureInfo.InvariantCulture);
        var y = b.ToString(CultureInfo.InvariantCulture);
        var steps = new StringBuilder();
        var carry = 0;
        for (var column = 0; column < Math.Max(x.Length, y.Length); column++)
        {
            var dx = column < x.Length ? x[^(column + 1)] - '0' : 0;
            var dy = column < y.Length ? y[^(column + 1)] - '0' : 0;
            var sum = dx + dy + carry;
            steps.Append(CultureInfo.InvariantCulture, $"{dx} + {dy}{(carry > 0 ? " + " + carry : "")} = {sum}, write {sum % 10}, carry {sum / 10}\n");
            carry = sum / 10;
        }
        if (carry > 0)
            steps.Append(CultureInfo.InvariantCulture, $"write the carry {carry}\n");
        return new SyntheticProblem($"What is {x} + {y}?", steps.ToString().TrimEnd('\n'), (a + b).ToString(CultureInfo.InvariantCulture));
    }

    private protected override SyntheticProblem Generate(ref SplitMix64 rng) => Solve(Operand(ref rng), Operand(ref rng));

    private long Operand(ref SplitMix64 rng)
    {
        var digits = MinDigits + (int)rng.NextLong(MaxDigits - MinDigits + 1);
        var low = digits == 1 ? 0 : (long)Math.Pow(10, digits - 1);
        var high = (long)Math.Pow(10, digits);
        return low + rng.NextLong(high - low);
    }
}
