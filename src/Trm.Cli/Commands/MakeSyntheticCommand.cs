using System.CommandLine;
using Trm.Data.Sft;
using Trm.Data.Sft.Tasks;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm data make-synthetic</c>: a verifiable chat task (multi-digit addition, word reversal), with or without think
/// steps, as JSONL chat; optionally a held-out set disjoint from it.
/// </summary>
internal static class MakeSyntheticCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "The task.", DefaultValueFactory = _ => "addition" };
        task.AcceptOnlyFromAmong("addition", "reversal");
        var count = new Option<int>("--count", "-n") { Description = "Number of problems.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<long>("--seed") { Description = "Problem i of seed s is always the same problem.", DefaultValueFactory = _ => 1L };
        var think = new Option<double>("--think-fraction") { Description = "Fraction of problems answered with think steps (0: none, 1: all).", DefaultValueFactory = _ => 1.0 };
        var min = new Option<int>("--min-size") { Description = "Fewest digits (addition) or letters (reversal).", DefaultValueFactory = _ => 2 };
        var max = new Option<int>("--max-size") { Description = "Most digits (addition) or letters (reversal).", DefaultValueFactory = _ => 4 };
        var output = new Option<string>("--output", "-o") { Description = "The JSONL chat file to write.", Required = true };
        var heldOut = new Option<int>("--held-out") { Description = "Also write this many held-out problems (disjoint from the others, seed + 1) to <output>.heldout.jsonl." };

        var command = new Command("make-synthetic", "Write a synthetic, verifiable chat task (addition, reversal) as JSONL chat, with or without think steps.");
        foreach (var option in new Option[] { task, count, seed, think, min, max, output, heldOut })
            command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => DataCommandRunner.RunAsync(parseResult, writer =>
        {
            SyntheticTask made = parseResult.GetValue(task) == "reversal"
                ? new ReversalTask(parseResult.GetValue(min), parseResult.GetValue(max))
                : new AdditionTask(parseResult.GetValue(min), parseResult.GetValue(max));
            var n = parseResult.GetValue(count);
            var s = parseResult.GetValue(seed);
            var path = parseResult.GetValue(output)!;
            var conversations = made.Conversations(s, n, parseResult.GetValue(think)).ToList();
            SftMixtureBuilder.WriteConversations(path, conversations);
            writer.WriteLine($"wrote {conversations.Count:N0} {made.Name} problems ({conversations.Count(c => c.Turns[1].Reasoning is not null):N0} with think steps) to {path}");
            if (parseResult.GetValue(heldOut) is > 0 and var held)
            {
                var test = made.HeldOut(s + 1, held, made.Problems(s, n));
                var testPath = Path.ChangeExtension(path, null) + ".heldout.jsonl";
                SftMixtureBuilder.WriteConversations(testPath, test.Select((p, i) => made.ToConversation(p, think: false, $"{made.Name}:heldout:{i}")));
                writer.WriteLine($"wrote {test.Count:N0} held-out problems to {testPath}");
            }
            return Task.FromResult(0);
        }));
        return command;
    }
}
