namespace Trm.Data.Oasst;

/// <summary>Which threads are extracted from an OASST1 tree for supervised fine-tuning.</summary>
public enum OasstThreadMode
{
    /// <summary>One thread per tree: from the root, always follow the best-ranked valid reply.</summary>
    BestRanked,

    /// <summary>One thread per leaf: every root-to-leaf path of valid messages.</summary>
    AllLeaves,
}
