namespace Trm.Torch;

/// <summary>How a loss reduces over elements (codes follow libtorch's at::Reduction).</summary>
public enum Reduction
{
    /// <summary>One loss per element.</summary>
    None = 0,
    /// <summary>Mean over elements (over non-ignored targets for cross entropy).</summary>
    Mean = 1,
    /// <summary>Sum over elements.</summary>
    Sum = 2,
}
