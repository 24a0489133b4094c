namespace Trm.Data.TokenStream;

/// <summary>
/// One batch of language-model rows: <c>x</c> = tokens <c>[o, o+T)</c>, <c>y</c> = tokens <c>[o+1, o+T+1)</c>, row-major
/// <c>BatchSize × BlockSize</c>. Single and multi-dataset batches have one stream; multi-context batches one per stream.
/// </summary>
/// <param name="BatchSize">Rows.</param>
/// <param name="BlockSize">Tokens per row.</param>
/// <param name="DatasetIndex">The stream the batch came from (multi-context: -1, every stream).</param>
/// <param name="Offsets">The start offset of each row.</param>
/// <param name="Inputs">Per stream, the inputs (<c>BatchSize × BlockSize</c>).</param>
/// <param name="Targets">Per stream, the targets (inputs shifted by one).</param>
public sealed record TokenBatch(int BatchSize, int BlockSize, int DatasetIndex, long[] Offsets, IReadOnlyList<int[]> Inputs, IReadOnlyList<int[]> Targets);
