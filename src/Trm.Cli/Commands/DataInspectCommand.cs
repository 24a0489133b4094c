using System.CommandLine;
using Trm.Data;

namespace Trm.Cli.Commands;

/// <summary><c>trm data inspect</c>: summarise a dataset folder with the first of <see cref="DataInspectors.All"/> that recognises it.</summary>
internal static class DataInspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A dataset folder (chat dataset, nanoGPT layout, puzzle layout…)." };
        var inspect = new Command("inspect", "Summarise a dataset folder.");
        inspect.Arguments.Add(path);
        inspect.SetAction((parseResult, _) => DataCommandRunner.RunAsync(parseResult, _ =>
        {
            var target = parseResult.GetValue(path)!;
            var output = parseResult.InvocationConfiguration.Output;
            foreach (var inspector in DataInspectors.All)
            {
                if (!inspector.CanInspect(target))
                    continue;
                inspector.Inspect(target, output);
                return Task.FromResult(0);
            }
            throw new TrmDataException($"not a dataset folder this tool knows (layouts: {string.Join(", ", DataInspectors.All.Select(i => i.Name))})", target, null, null);
        }));
        return inspect;
    }
}
