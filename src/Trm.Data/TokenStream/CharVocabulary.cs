using System.Text;

namespace Trm.Data.TokenStream;

/// <summary>
/// nanoGPT's character vocabulary: the distinct characters (Unicode scalar values) of a text, sorted by code point;
/// id = position in that order.
/// </summary>
internal sealed class CharVocabulary
{
    private readonly Dictionary<int, int> _idByScalar;

    private CharVocabulary(int[] scalars)
    {
        Scalars = scalars;
        _idByScalar = new Dictionary<int, int>(scalars.Length);
        for (var i = 0; i < scalars.Length; i++)
            _idByScalar[scalars[i]] = i;
    }

    /// <summary>The characters, by id.</summary>
    public int[] Scalars { get; }

    public int Count => Scalars.Length;

    public static CharVocabulary FromText(string text)
    {
        var set = new HashSet<int>();
        foreach (var rune in text.EnumerateRunes())
            set.Add(rune.Value);
        var scalars = set.ToArray();
        Array.Sort(scalars);
        return new CharVocabulary(scalars);
    }

    public int[] Encode(string text)
    {
        var ids = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes())
            ids.Add(_idByScalar[rune.Value]);
        return [.. ids];
    }

    public IReadOnlyDictionary<string, int> Stoi() => Enumerable.Range(0, Count).ToDictionary(i => new Rune(Scalars[i]).ToString(), i => i);

    public IReadOnlyDictionary<string, string> Itos() => Enumerable.Range(0, Count).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => new Rune(Scalars[i]).ToString());
}
