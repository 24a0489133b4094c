using System.CommandLine;

namespace Trm.Cli.Commands;

/// <summary>
/// The <c>trm rl</c> command group (post-training: GRPO, rejection sampling…). This file only creates the group and
/// lists its verbs; each verb lives in its own <c>Rl*Command.cs</c> file.
/// </summary>
internal static class RlCommand
{
    public static Command Create()
    {
        var command = new Command("rl", "Post-training of chat models: GRPO on verifiable tasks, rejection sampling to JSONL for RS-SFT.");
        command.Subcommands.Add(RlGrpoCommand.Create());
        command.Subcommands.Add(RlRsGenerateCommand.Create());
        return command;
    }
}
