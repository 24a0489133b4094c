using System.Text.Json;
using Trm.Data.TokenStream;

namespace Trm.Training.Language;

/// <summary>
/// Training micro-batches drawn from token streams by a <see cref="TokenBatchSampler"/> (nanoGPT's <c>get_batch</c>, in
/// single, multi-dataset or multi-context mode). Every target counts. A multi-context batch holds one block per stream for
/// the same offsets; the TRM has one token embedding, so those blocks are trained as extra rows of the micro-batch. A pass
/// is a fixed number of micro-batches (the epochs' worth of training tokens); the position is the sampler's state plus the
/// micro-batch within the pass.
/// </summary>
internal sealed class TokenStreamBatchSource : ILmBatchSource
{
    private static readonly JsonSerializerOptions Json = new();
    private readonly TokenBatchSampler _sampler;
    private long _inPass;

    public TokenStreamBatchSource(IReadOnlyList<TokenStreamFile> streams, TokenSamplerOptions options, long microBatchesPerPass)
    {
        _sampler = new TokenBatchSampler(streams, options);
        MicroBatchesPerPass = Math.Max(1, microBatchesPerPass);
    }

    public long MicroBatchesPerPass { get; }

    public string State => JsonSerializer.Serialize(new Position(_sampler.State, _inPass), Json);

    public LmBatch? Next()
    {
        if (_inPass == MicroBatchesPerPass)
        {
            _inPass = 0;
            return null;
        }
        _inPass++;
        return ToLmBatch(_sampler.Next());
    }

    public void Restore(string state)
    {
        Position? position;
        try
        {
            position = JsonSerializer.Deserialize<Position>(state, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"'{state}' is not a token-stream data position: {e.Message}", e);
        }
        if (position?.Sampler is null || position.InPass < 0 || position.InPass > MicroBatchesPerPass)
            throw new FormatException($"'{state}' is not a token-stream data position");
        _sampler.Restore(position.Sampler);
        _inPass = position.InPass;
    }

    /// <summary>Every stream's block as rows of one batch, every target counted.</summary>
    public static LmBatch ToLmBatch(TokenBatch batch)
    {
        var streams = batch.Inputs.Count;
        var size = batch.BatchSize * batch.BlockSize;
        var inputs = new int[streams * size];
        var targets = new int[streams * size];
        for (var s = 0; s < streams; s++)
        {
            batch.Inputs[s].CopyTo(inputs, s * size);
            batch.Targets[s].CopyTo(targets, s * size);
        }
        var mask = new byte[inputs.Length];
        Array.Fill(mask, (byte)1);
        return new LmBatch(streams * batch.BatchSize, batch.BlockSize, inputs, targets, mask);
    }

    private sealed record Position(TokenSamplerState Sampler, long InPass);
}
