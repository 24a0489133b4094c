namespace Trm.Data.Sft;

/// <summary>What a source's enumeration read and skipped so far (filled while it is enumerated).</summary>
internal sealed class SftSourceCounter
{
    /// <summary>Conversations produced by the source.</summary>
    public long Read { get; set; }

    /// <summary>Malformed records (or undecodable examples) skipped.</summary>
    public long Skipped { get; set; }
}
