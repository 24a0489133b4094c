using Trm.Data.TokenStream;

namespace Trm.Cli.Commands;

/// <summary>Summarises a nanoGPT-layout folder (meta.json, train.bin, val.bin).</summary>
internal sealed class TokenStreamInspector : IDataInspector
{
    public string Name => "nanogpt";

    public bool CanInspect(string path) => Directory.Exists(path) && TokenStreamDataset.Exists(path);

    public void Inspect(string path, TextWriter output)
    {
        using var dataset = TokenStreamDataset.Open(path);
        var meta = dataset.Meta;
        output.WriteLine($"nanoGPT token streams {path}");
        output.WriteLine($"tokenizer {meta.Tokenizer}, vocab_size {meta.VocabSize}, dtype {meta.Dtype}");
        output.WriteLine($"train.bin {dataset.Train.Length:N0} tokens, val.bin {dataset.Val.Length:N0} tokens");
        if (meta.Itos is { } itos && dataset.Train.Length > 0)
        {
            var head = new int[(int)Math.Min(64, dataset.Train.Length)];
            dataset.Train.CopyTo(0, head);
            output.WriteLine("train starts: " + string.Concat(head.Select(id => itos.GetValueOrDefault(id.ToString(System.Globalization.CultureInfo.InvariantCulture), "?"))).ReplaceLineEndings("⏎"));
        }
    }
}
