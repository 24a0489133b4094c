namespace Trm.Data.TokenStream;

/// <summary>
/// Parses nanoGPT's spellings of the sampler settings (<c>--training_mode single|multidataset|multicontext</c>,
/// <c>--sampling_method random|sequential|without_replacement</c>, <c>--dataset_sampling_probs 0.7,0.3</c>) so
/// training front ends can take them as given.
/// </summary>
public static class TokenSamplingNames
{
    /// <summary>Parses <c>single</c>, <c>multidataset</c> or <c>multicontext</c> (case and <c>_</c>/<c>-</c> ignored).</summary>
    /// <exception cref="TrmDataException">Unknown name.</exception>
    public static TokenSamplingMode ParseMode(string name) => Normalise(name) switch
    {
        "single" => TokenSamplingMode.Single,
        "multidataset" => TokenSamplingMode.MultiDataset,
        "multicontext" => TokenSamplingMode.MultiContext,
        _ => throw new TrmDataException($"unknown training mode '{name}' (expected single, multidataset or multicontext)"),
    };

    /// <summary>Parses <c>random</c>, <c>sequential</c> or <c>without_replacement</c> (case and <c>_</c>/<c>-</c> ignored).</summary>
    /// <exception cref="TrmDataException">Unknown name.</exception>
    public static TokenSamplingMethod ParseMethod(string name) => Normalise(name) switch
    {
        "random" => TokenSamplingMethod.Random,
        "sequential" => TokenSamplingMethod.Sequential,
        "withoutreplacement" => TokenSamplingMethod.WithoutReplacement,
        _ => throw new TrmDataException($"unknown sampling method '{name}' (expected random, sequential or without_replacement)"),
    };

    /// <summary>Parses a comma- or space-separated list of non-negative numbers (e.g. <c>0.7,0.3</c> or <c>[0.7, 0.3]</c>).</summary>
    /// <exception cref="TrmDataException">A value is not a non-negative number.</exception>
    public static IReadOnlyList<double> ParseProbabilities(string text)
    {
        var parts = text.Trim().TrimStart('[').TrimEnd(']').Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
        return parts.Select(part => double.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new TrmDataException($"sampling probability '{part}' is not a non-negative number")).ToList();
    }

    private static string Normalise(string name) => name.Trim().Replace("_", "").Replace("-", "").ToLowerInvariant();
}
