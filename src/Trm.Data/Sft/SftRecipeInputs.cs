namespace Trm.Data.Sft;

/// <summary>The sources and knobs a named recipe is made from.</summary>
public sealed record SftRecipeInputs
{
    /// <summary>Sources with reasoning traces (OpenThoughts' place offline: GSM8K with worked solutions, JSONL chat with traces, synthetic tasks).</summary>
    public IReadOnlyList<SftSource> Reasoning { get; init; } = [];

    /// <summary>Plain chat sources (SmolTalk's place offline: the Alpaca seed tasks, JSONL chat, built chat datasets).</summary>
    public IReadOnlyList<SftSource> Chat { get; init; } = [];

    /// <summary>Rejection-sampled JSONL chat files (<c>r1_rs_sft</c>'s <c>rs_cot_path</c>).</summary>
    public IReadOnlyList<SftSource> RejectionSampled { get; init; } = [];

    /// <summary>
    /// The recipe's main stop: <c>ot_stop</c> for <c>cold_start</c>/<c>r1_ot_mixed</c> (default 500,000),
    /// <c>rs_cot_stop</c> for <c>r1_rs_sft</c> (default 100,000), the chat stop for <c>default</c> (default 10,000).
    /// </summary>
    public int? Stop { get; init; }

    /// <summary>The fraction of plain chat (<c>--chat_ratio</c>), default 0.30.</summary>
    public double ChatRatio { get; init; } = SftRecipes.DefaultChatRatio;

    /// <summary>The shuffle seed, default 42 (the recipes' fixed seed).</summary>
    public long Seed { get; init; } = 42;
}
