using System.CommandLine;

namespace Trm.Cli.Commands;

/// <summary>The chat and token-stream verbs of <c>trm data</c>: list, download, build-chat, prepare-text and inspect.</summary>
public static class ChatDataCommands
{
    /// <summary>Adds the chat and token-stream verbs to the <c>data</c> command.</summary>
    public static void AddTo(Command data)
    {
        data.Subcommands.Add(CreateInspect());
    }

    private static Command CreateInspect()
    {
        var path = new Argument<string>("path") { Description = "A dataset folder (chat dataset, nanoGPT layout, puzzle layout…)." };
        var inspect = new Command("inspect", "Summarise a dataset folder.");
        inspect.Arguments.Add(path);
        inspect.SetAction(parseResult =>
        {
            var target = parseResult.GetValue(path)!;
            foreach (var inspector in DataInspectors.All)
            {
                if (!inspector.CanInspect(target))
                    continue;
                inspector.Inspect(target, Console.Out);
                return 0;
            }
            Console.Error.WriteLine($"{target}: not a dataset folder this tool knows ({string.Join(", ", DataInspectors.All.Select(i => i.Name))}).");
            return 2;
        });
        return inspect;
    }
}
