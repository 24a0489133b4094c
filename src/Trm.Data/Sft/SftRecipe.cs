namespace Trm.Data.Sft;

/// <summary>The named SFT recipes of nanochat's R1 fork (see docs/sft-data.md for what each maps to offline).</summary>
public enum SftRecipe
{
    /// <summary><c>default</c>: every source whole (chat sources stopped at 10,000), worked solutions as plain replies.</summary>
    Default,

    /// <summary><c>cold_start</c> (the fork's <c>r1_ot</c>): reasoning sources only, traces in think blocks, stopped at <c>ot_stop</c>.</summary>
    ColdStart,

    /// <summary><c>r1_ot_mixed</c>: reasoning sources with think blocks (<c>ot_stop</c>) + plain chat at the chat ratio, answering directly.</summary>
    R1OtMixed,

    /// <summary><c>r1_rs_sft</c>: rejection-sampled JSONL chat (<c>rs_cot_stop</c>) + chat at the chat ratio: 10 % reasoning answer-only, 5 % reasoning with traces, 85 % plain chat.</summary>
    R1RsSft,
}
