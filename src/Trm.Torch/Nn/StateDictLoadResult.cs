namespace Trm.Torch.Nn;

/// <summary>Keys reported by <see cref="Module.LoadStateDict"/>.</summary>
/// <param name="MissingKeys">Module keys absent from the loaded dictionary.</param>
/// <param name="UnexpectedKeys">Loaded keys the module does not have.</param>
public sealed record StateDictLoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
