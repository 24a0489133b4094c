using System.Collections.Frozen;

namespace Trm.Tokenization;

/// <summary>The special tokens of one tokenizer: names, ids, and the search for allowed names inside text.</summary>
internal sealed class SpecialTokenTable
{
    private readonly (string Name, int Id)[] _tokens;

    public SpecialTokenTable(IEnumerable<(string Name, int Id)> tokens)
    {
        _tokens = tokens.ToArray();
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var byId = new Dictionary<int, string>();
        foreach (var (name, id) in _tokens)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("A special token name must not be empty.");
            }
            if (!byName.TryAdd(name, id))
            {
                throw new ArgumentException($"Special token '{name}' is defined twice.");
            }
            if (!byId.TryAdd(id, name))
            {
                throw new ArgumentException($"Special tokens '{byId[id]}' and '{name}' share id {id}.");
            }
        }
        ByName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        ById = byId.ToFrozenDictionary();
        MinId = _tokens.Length == 0 ? int.MaxValue : _tokens.Min(t => t.Id);
        _allLongestFirst = _tokens.OrderByDescending(t => t.Name.Length).ToArray();
    }

    private readonly (string Name, int Id)[] _allLongestFirst;

    public static SpecialTokenTable Empty { get; } = new([]);

    public FrozenDictionary<string, int> ByName { get; }

    public FrozenDictionary<int, string> ById { get; }

    /// <summary>Smallest special id (int.MaxValue when there is none): ids below it can skip the special lookup.</summary>
    public int MinId { get; }

    public int Count => _tokens.Length;

    /// <summary>Returns a table with <paramref name="names"/> appended (ids from <paramref name="nextId"/> on); existing names keep their id.</summary>
    public SpecialTokenTable Append(IEnumerable<string> names, int nextId, out int newNextId)
    {
        var list = new List<(string, int)>(_tokens);
        var seen = new HashSet<string>(_tokens.Select(t => t.Name), StringComparer.Ordinal);
        foreach (string name in names)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(names));
            if (seen.Add(name))
            {
                list.Add((name, nextId++));
            }
        }
        newNextId = nextId;
        return new SpecialTokenTable(list);
    }

    /// <summary>The allowed tokens, longest first (so that a longer name wins over a prefix at the same position).</summary>
    public (string Name, int Id)[] Allowed(AllowedSpecialTokens allowed)
    {
        if (allowed.IsNone || _tokens.Length == 0)
        {
            return [];
        }
        return allowed.IsAll ? _allLongestFirst : _allLongestFirst.Where(t => allowed.Allows(t.Name)).ToArray();
    }
}
