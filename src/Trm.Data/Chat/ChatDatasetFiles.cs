namespace Trm.Data.Chat;

/// <summary>File names of a chat dataset folder.</summary>
public static class ChatDatasetFiles
{
    /// <summary>The split names, in the order they are written.</summary>
    public static IReadOnlyList<string> Splits { get; } = ["train", "val"];

    /// <summary>Token ids of every example of <paramref name="split"/>, concatenated (dtype from dataset.json).</summary>
    public static string Tokens(string split) => $"{split}.tokens.bin";

    /// <summary>One byte per token: 1 where the token is trained on.</summary>
    public static string Mask(string split) => $"{split}.mask.bin";

    /// <summary>Little-endian int64 start offsets of the examples, plus the total as a last entry (examples + 1 values).</summary>
    public static string Offsets(string split) => $"{split}.offsets.bin";
}
