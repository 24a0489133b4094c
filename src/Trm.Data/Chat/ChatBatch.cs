namespace Trm.Data.Chat;

/// <summary>
/// A batch for next-token training on chat data, row-major <c>BatchSize × SequenceLength</c>: <see cref="Targets"/> are the
/// inputs shifted by one, <see cref="LossMask"/> is 1 where the target is trained on (assistant tokens), 0 on prompts and padding.
/// </summary>
/// <param name="BatchSize">Rows.</param>
/// <param name="SequenceLength">Columns.</param>
/// <param name="Inputs">Input ids (padding: the pad id).</param>
/// <param name="Targets">Target ids (padding: the pad id).</param>
/// <param name="LossMask">1 where the target counts.</param>
/// <param name="Examples">Padded: the example of each row. Packed: the examples that start in the batch.</param>
public sealed record ChatBatch(int BatchSize, int SequenceLength, int[] Inputs, int[] Targets, byte[] LossMask, int[] Examples);
