using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Trm.Tokenization.Tests;

/// <summary>
/// Id-for-id parity with the reference encoder (npm tiktoken, "gpt2") on the golden file made by
/// eng/golden/make-gpt2-golden.mjs: hand-written edge cases, tiny Shakespeare, GSM8K, Alpaca seeds, random strings.
/// </summary>
public class GoldenParityTests
{
    internal sealed record GoldenCase(int Line, string Source, string Text, bool AllowSpecial, int[] Ids);

    private static readonly Lazy<List<GoldenCase>> s_cases = new(Load);

    internal static List<GoldenCase> Cases => s_cases.Value;

    private static List<GoldenCase> Load()
    {
        var cases = new List<GoldenCase>();
        string all = Encoding.UTF8.GetString(TestData.ReadGzip("gpt2-golden.jsonl.gz"));
        int line = 0;
        foreach (string json in all.Split('\n'))
        {
            line++;
            if (json.Length == 0)
            {
                continue;
            }
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            string text = root.TryGetProperty("text", out var t) ? t.GetString()! : FromHex(root.GetProperty("u16").GetString()!);
            int[] ids = root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            cases.Add(new GoldenCase(line, root.GetProperty("source").GetString()!, text, root.GetProperty("special").GetString() == "all", ids));
        }
        return cases;
    }

    private static string FromHex(string hex)
    {
        var chars = new char[hex.Length / 4];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)ushort.Parse(hex.AsSpan(i * 4, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        return new string(chars);
    }

    [Test]
    public void GoldenFile_HasThousandsOfCasesFromEverySource()
    {
        Assert.That(Cases, Has.Count.GreaterThan(5000));
        Assert.That(Cases.Select(c => c.Source).Distinct(), Is.SupersetOf(new[] { "case", "special", "shakespeare-line", "gsm8k", "alpaca-seed", "random", "whitespace" }));
        Assert.That(Cases.Count(c => c.Text.Any(char.IsSurrogate) && !IsValidUtf16(c.Text)), Is.GreaterThan(50), "lone surrogates are covered");
    }

    [Test]
    public void EncodeToIds_MatchesReferenceOnEveryGoldenLine()
    {
        var tokenizer = Gpt2Tokenizer.Create();
        var failures = new List<string>();
        foreach (var c in Cases)
        {
            int[] ids = tokenizer.EncodeToIds(c.Text, c.AllowSpecial ? AllowedSpecialTokens.All : AllowedSpecialTokens.None);
            if (!ids.AsSpan().SequenceEqual(c.Ids))
            {
                failures.Add($"line {c.Line} ({c.Source}) {JsonSerializer.Serialize(c.Text)}: expected [{string.Join(",", c.Ids)}] got [{string.Join(",", ids)}]");
            }
        }
        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(20)));
    }

    [Test]
    public void CountTokens_MatchesReferenceLength()
    {
        var tokenizer = Gpt2Tokenizer.Create();
        foreach (var c in Cases)
        {
            Assert.That(tokenizer.CountTokens(c.Text, c.AllowSpecial ? AllowedSpecialTokens.All : null), Is.EqualTo(c.Ids.Length), $"line {c.Line}");
        }
    }

    [Test]
    public void Decode_OfReferenceIds_GivesTheTextBack()
    {
        var tokenizer = Gpt2Tokenizer.Create();
        foreach (var c in Cases)
        {
            // Lone surrogates were encoded as U+FFFD, so the decoded text has U+FFFD in their place.
            string expected = IsValidUtf16(c.Text) ? c.Text : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(c.Text));
            Assert.That(tokenizer.Decode(c.Ids), Is.EqualTo(expected), $"line {c.Line}");
        }
    }

    [Test]
    public void EncodeBatch_MatchesReference()
    {
        var cases = Cases.Where(c => !c.AllowSpecial).ToList();
        int[][] batch = Gpt2Tokenizer.Create().EncodeBatch(cases.Select(c => c.Text).ToList());
        for (int i = 0; i < cases.Count; i++)
        {
            Assert.That(batch[i], Is.EqualTo(cases[i].Ids), $"line {cases[i].Line}");
        }
    }

    internal static bool IsValidUtf16(string s) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s)) == s;
}
