using System.Text.Json;
using Trm.Core.IO;
using Trm.Data.Npy;

namespace Trm.Data.Puzzles;

/// <summary>
/// The dataset root's <c>identifiers.json</c>: a JSON list whose entry i names puzzle identifier i (entry 0 is
/// <c>&lt;blank&gt;</c>). ARC names of augmented puzzles carry their transform (see <c>ArcAugmentation</c>).
/// </summary>
public static class PuzzleIdentifiers
{
    /// <summary>The file name inside the dataset root.</summary>
    public const string FileName = "identifiers.json";

    /// <summary>The name of the blank identifier (id 0).</summary>
    public const string Blank = "<blank>";

    /// <summary>Reads <c>identifiers.json</c> from the dataset root <paramref name="root"/>.</summary>
    /// <exception cref="TrmDataException">The file is missing or not a list of strings.</exception>
    public static IReadOnlyList<string> Read(string root)
    {
        var path = Path.Combine(root, FileName);
        if (!File.Exists(path))
            throw new TrmDataException("missing identifiers.json in the dataset root", path, null, null);
        using var doc = PuzzleJson.Parse(File.ReadAllText(path), path);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
            throw new TrmDataException("expected a JSON list of names", path, 1, null);
        var names = new List<string>();
        var i = 0;
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String)
                throw new TrmDataException($"entry {i} is not a string", path, null, $"[{i}]");
            names.Add(e.GetString()!);
            i++;
        }
        return names;
    }

    /// <summary>Writes <paramref name="names"/> as <c>identifiers.json</c> into <paramref name="root"/> (atomically).</summary>
    public static void Write(string root, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        Directory.CreateDirectory(root);
        AtomicFile.WriteAllText(Path.Combine(root, FileName), JsonSerializer.Serialize(names));
    }
}
