namespace Trm.Data.TokenStream;

/// <summary>A nanoGPT-layout folder opened for reading: <c>meta.json</c> and memory-mapped <c>train.bin</c>/<c>val.bin</c>.</summary>
public sealed class TokenStreamDataset : IDisposable
{
    /// <summary>The training split's file name.</summary>
    public const string TrainFile = "train.bin";

    /// <summary>The validation split's file name.</summary>
    public const string ValFile = "val.bin";

    private TokenStreamDataset(string directory, TokenStreamMeta meta, TokenStreamFile train, TokenStreamFile val)
    {
        Directory = directory;
        Meta = meta;
        Train = train;
        Val = val;
    }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>The metadata.</summary>
    public TokenStreamMeta Meta { get; }

    /// <summary>The training tokens.</summary>
    public TokenStreamFile Train { get; }

    /// <summary>The validation tokens.</summary>
    public TokenStreamFile Val { get; }

    /// <summary>The split named <c>train</c> or <c>val</c>.</summary>
    public TokenStreamFile Split(string name) => name switch
    {
        "train" => Train,
        "val" => Val,
        _ => throw new ArgumentException($"unknown split '{name}' (expected train or val)", nameof(name)),
    };

    /// <summary>Whether <paramref name="directory"/> looks like a nanoGPT-layout folder.</summary>
    public static bool Exists(string directory)
        => File.Exists(Path.Combine(directory, TokenStreamMeta.FileName)) && File.Exists(Path.Combine(directory, TrainFile));

    /// <summary>Opens <paramref name="directory"/>.</summary>
    /// <exception cref="TrmDataException">Missing files or sizes that disagree with <c>meta.json</c>.</exception>
    public static TokenStreamDataset Open(string directory)
    {
        var meta = TokenStreamMeta.Load(directory);
        var train = new TokenStreamFile(Path.Combine(directory, TrainFile), meta.TokenDtype);
        var val = new TokenStreamFile(Path.Combine(directory, ValFile), meta.TokenDtype);
        if (meta.TrainTokens != 0 && train.Length != meta.TrainTokens)
            throw new TrmDataException($"has {train.Length} tokens but meta.json says {meta.TrainTokens}", train.Path, null, "train_tokens");
        if (meta.ValTokens != 0 && val.Length != meta.ValTokens)
            throw new TrmDataException($"has {val.Length} tokens but meta.json says {meta.ValTokens}", val.Path, null, "val_tokens");
        return new TokenStreamDataset(directory, meta, train, val);
    }

    /// <summary>Unmaps both splits.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Val.Dispose();
    }
}
