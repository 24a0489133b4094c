using Trm.Data.Readers;

namespace Trm.Data.Sft;

/// <summary>
/// Makes the named SFT recipes as <see cref="SftMixtureBuilder"/>s over the sources given (sources that exist offline
/// take the place of the hub sets; the mapping is in docs/sft-data.md). The builder comes back ready to
/// <see cref="SftMixtureBuilder.BuildAsync"/>, and can still be adjusted (tokenizer, length, split…).
/// </summary>
public static class SftRecipes
{
    /// <summary>The recipes' <c>chat_ratio</c> default.</summary>
    public const double DefaultChatRatio = 0.30;

    /// <summary>The <c>default</c> recipe's chat stop (SmolTalk's <c>stop=10_000</c>).</summary>
    public const int DefaultChatStop = 10_000;

    /// <summary>The fork's <c>ot_stop</c> default.</summary>
    public const int DefaultOtStop = 500_000;

    /// <summary>The fork's <c>rs_cot_stop</c> default.</summary>
    public const int DefaultRsCotStop = 100_000;

    /// <summary><c>r1_rs_sft</c>: share of the chat part taken from reasoning sources without their traces (<c>chat_ot_answer_ratio</c>).</summary>
    public const double ReasoningAnswerOnlyShare = 0.10;

    /// <summary><c>r1_rs_sft</c>: share of the chat part taken from reasoning sources with their traces (<c>chat_ot_trace_ratio</c>).</summary>
    public const double ReasoningTraceShare = 0.05;

    /// <summary>The recipe's name on the command line and in manifests (<c>default</c>, <c>cold_start</c>, <c>r1_ot_mixed</c>, <c>r1_rs_sft</c>).</summary>
    public static string Name(SftRecipe recipe) => recipe switch
    {
        SftRecipe.Default => "default",
        SftRecipe.ColdStart => "cold_start",
        SftRecipe.R1OtMixed => "r1_ot_mixed",
        SftRecipe.R1RsSft => "r1_rs_sft",
        _ => throw new ArgumentOutOfRangeException(nameof(recipe), recipe, "Unknown recipe."),
    };

    /// <summary>Parses a recipe name (<c>r1_ot</c> is accepted for <c>cold_start</c>).</summary>
    /// <exception cref="TrmDataException">Unknown name.</exception>
    public static SftRecipe Parse(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "default" => SftRecipe.Default,
        "cold_start" or "r1_ot" => SftRecipe.ColdStart,
        "r1_ot_mixed" => SftRecipe.R1OtMixed,
        "r1_rs_sft" => SftRecipe.R1RsSft,
        _ => throw new TrmDataException($"unknown SFT recipe '{name}' (default, cold_start, r1_ot_mixed, r1_rs_sft)"),
    };

    /// <summary>Makes <paramref name="recipe"/> over <paramref name="inputs"/>.</summary>
    /// <exception cref="TrmDataException">The recipe lacks a source it needs or was given a kind it does not use.</exception>
    public static SftMixtureBuilder Create(SftRecipe recipe, SftRecipeInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var name = Name(recipe);
        var builder = new SftMixtureBuilder().WithRecipeName(name).WithSeed(inputs.Seed);
        switch (recipe)
        {
            case SftRecipe.Default:
                Refuse(name, inputs.RejectionSampled, "rejection-sampled");
                Need(name, inputs.Reasoning.Count + inputs.Chat.Count, "a reasoning or chat");
                foreach (var source in inputs.Reasoning)
                    builder.Add(source with { Reasoning = ReasoningTraces.Plain, Role = "reasoning" });
                foreach (var source in inputs.Chat)
                    builder.Add(source with { IsChat = true, Reasoning = ReasoningTraces.Plain, Stop = inputs.Stop ?? source.Stop ?? DefaultChatStop, Role = "chat" });
                return builder;
            case SftRecipe.ColdStart:
                Refuse(name, inputs.RejectionSampled, "rejection-sampled");
                Refuse(name, inputs.Chat, "chat");
                Need(name, inputs.Reasoning.Count, "a reasoning");
                foreach (var source in inputs.Reasoning)
                    builder.Add(source with { Reasoning = ReasoningTraces.Think, Stop = inputs.Stop ?? DefaultOtStop, Role = "reasoning" });
                return builder;
            case SftRecipe.R1OtMixed:
                Refuse(name, inputs.RejectionSampled, "rejection-sampled");
                Need(name, inputs.Reasoning.Count, "a reasoning");
                Need(name, inputs.Chat.Count, "a chat");
                foreach (var source in inputs.Reasoning)
                    builder.Add(source with { Reasoning = ReasoningTraces.Think, Stop = inputs.Stop ?? DefaultOtStop, Role = "reasoning" });
                foreach (var source in inputs.Chat)
                    builder.Add(source with { IsChat = true, Reasoning = ReasoningTraces.Drop, Role = "chat" });
                return builder.WithChatRatio(inputs.ChatRatio);
            case SftRecipe.R1RsSft:
                Need(name, inputs.RejectionSampled.Count, "a rejection-sampled");
                Need(name, inputs.Reasoning.Count + inputs.Chat.Count, "a reasoning or chat");
                foreach (var source in inputs.RejectionSampled)
                    builder.Add(source with { Reasoning = ReasoningTraces.Think, Stop = inputs.Stop ?? DefaultRsCotStop, Role = "rs" });
                var chatShare = 1 - ReasoningAnswerOnlyShare - ReasoningTraceShare;
                foreach (var source in inputs.Reasoning)
                {
                    builder.Add(source with { Name = source.Name + ":answer_only", IsChat = true, Reasoning = ReasoningTraces.Drop, Weight = ReasoningAnswerOnlyShare / inputs.Reasoning.Count, Role = "reasoning_answer_only" });
                    builder.Add(source with { Name = source.Name + ":trace", IsChat = true, Reasoning = ReasoningTraces.Think, Weight = ReasoningTraceShare / inputs.Reasoning.Count, Role = "reasoning_trace" });
                }
                foreach (var source in inputs.Chat)
                    builder.Add(source with { IsChat = true, Reasoning = ReasoningTraces.Drop, Weight = chatShare / inputs.Chat.Count, Role = "chat" });
                return builder.WithChatRatio(inputs.ChatRatio);
            default:
                throw new ArgumentOutOfRangeException(nameof(recipe), recipe, "Unknown recipe.");
        }
    }

    private static void Need(string recipe, int count, string kind)
    {
        if (count == 0)
            throw new TrmDataException($"recipe '{recipe}' needs {kind} source");
    }

    private static void Refuse(string recipe, IReadOnlyList<SftSource> sources, string kind)
    {
        if (sources.Count > 0)
            throw new TrmDataException($"recipe '{recipe}' takes no {kind} source (got {string.Join(", ", sources.Select(s => s.Name))})");
    }
}
