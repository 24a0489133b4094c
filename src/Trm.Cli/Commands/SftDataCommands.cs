using System.CommandLine;

namespace Trm.Cli.Commands;

/// <summary>The SFT data verbs of <c>trm data</c>: build-sft (recipes and mixtures) and make-synthetic (verifiable tasks).</summary>
public static class SftDataCommands
{
    /// <summary>Adds the SFT data verbs to the <c>data</c> command.</summary>
    public static void AddTo(Command data)
    {
        data.Subcommands.Add(BuildSftCommand.Create());
        data.Subcommands.Add(MakeSyntheticCommand.Create());
    }
}
