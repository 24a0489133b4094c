namespace Trm.Data.Oasst;

/// <summary>How threads are extracted from OASST1 trees.</summary>
public sealed record OasstOptions
{
    /// <summary>Best-ranked path (default) or all leaf paths.</summary>
    public OasstThreadMode ThreadMode { get; init; } = OasstThreadMode.BestRanked;

    /// <summary>Keep only messages in these languages (e.g. <c>en</c>); <see langword="null"/> keeps all.</summary>
    public IReadOnlySet<string>? Languages { get; init; }

    /// <summary>Keep deleted messages (default: no).</summary>
    public bool IncludeDeleted { get; init; }

    /// <summary>Keep model-written (synthetic) messages (default: no).</summary>
    public bool IncludeSynthetic { get; init; }

    /// <summary>Keep messages whose review failed (default: no).</summary>
    public bool IncludeFailedReview { get; init; }

    /// <summary>Keep only trees whose state is <c>ready_for_export</c> (default: yes; trees with no state are kept).</summary>
    public bool RequireReadyForExport { get; init; } = true;
}
