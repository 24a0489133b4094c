namespace Trm.Rl.RejectionSampling;

/// <summary>What a rejection-sampling run did.</summary>
/// <param name="Problems">Problems sampled in this run.</param>
/// <param name="Resumed">Problems skipped because an earlier run finished them.</param>
/// <param name="Samples">Samples drawn in this run.</param>
/// <param name="Accepted">Samples the selection accepted (before the per-prompt cap).</param>
/// <param name="Written">Records written in this run.</param>
/// <param name="OutputPath">The JSONL file.</param>
public sealed record RejectionSamplingReport(int Problems, int Resumed, int Samples, int Accepted, int Written, string OutputPath)
{
    /// <summary>Accepted samples per sample drawn.</summary>
    public double AcceptRate => Samples == 0 ? 0 : Accepted / (double)Samples;
}
