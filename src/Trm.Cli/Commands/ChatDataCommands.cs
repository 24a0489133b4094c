using System.CommandLine;

namespace Trm.Cli.Commands;

/// <summary>The chat and token-stream verbs of <c>trm data</c>: list, download, build-chat, prepare-text and inspect.</summary>
public static class ChatDataCommands
{
    /// <summary>Adds the chat and token-stream verbs to the <c>data</c> command.</summary>
    public static void AddTo(Command data)
    {
        data.Subcommands.Add(DataListCommand.Create());
        data.Subcommands.Add(DataDownloadCommand.Create());
        data.Subcommands.Add(BuildChatCommand.Create());
        data.Subcommands.Add(PrepareTextCommand.Create());
        data.Subcommands.Add(DataInspectCommand.Create());
    }
}
