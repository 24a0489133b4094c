namespace Trm.Data.TokenStream;

/// <summary>What <see cref="TextDatasetPreparer"/> does.</summary>
public sealed record TextDatasetOptions
{
    /// <summary>The raw UTF-8 text file.</summary>
    public required string InputPath { get; init; }

    /// <summary>The folder that receives <c>train.bin</c>, <c>val.bin</c> and <c>meta.json</c>.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary><c>char</c> (a vocabulary of the text's distinct characters, default) or <c>gpt2</c>.</summary>
    public string Tokenizer { get; init; } = "char";

    /// <summary>The fraction of the text (by characters, from the end) that goes to <c>val.bin</c>. Default 0.1.</summary>
    public double ValFraction { get; init; } = 0.1;

    /// <summary>Stop on bytes that are not UTF-8 (default), or replace/drop them (the count is reported through progress).</summary>
    public Readers.InvalidUtf8Policy InvalidUtf8 { get; init; } = Readers.InvalidUtf8Policy.Error;
}
