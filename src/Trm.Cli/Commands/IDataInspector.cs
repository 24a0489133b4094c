namespace Trm.Cli.Commands;

/// <summary>Describes one kind of dataset folder for <c>trm data inspect</c>.</summary>
internal interface IDataInspector
{
    /// <summary>A short name of the layout, e.g. <c>chat</c> or <c>nanogpt</c>.</summary>
    string Name { get; }

    /// <summary>Whether <paramref name="path"/> (a folder or file) holds a dataset of this kind.</summary>
    bool CanInspect(string path);

    /// <summary>Writes a human-readable summary of the dataset at <paramref name="path"/>.</summary>
    void Inspect(string path, TextWriter output);
}
