namespace Trm.Cli.Commands;

/// <summary>
/// The inspectors <c>trm data inspect</c> tries, in order; the first whose <see cref="IDataInspector.CanInspect"/>
/// accepts the path prints it. Add one line per dataset layout.
/// </summary>
internal static class DataInspectors
{
    /// <summary>Every known inspector.</summary>
    public static IReadOnlyList<IDataInspector> All { get; } =
    [
        new ChatDatasetInspector(),
        new TokenStreamInspector(),
        new PuzzleDatasetInspector(),
    ];
}
