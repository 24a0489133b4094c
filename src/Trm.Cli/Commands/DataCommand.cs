using System.CommandLine;

namespace Trm.Cli.Commands;

/// <summary>
/// The <c>trm data</c> command group. Each family of verbs adds itself with one <c>AddTo</c> call below
/// (chat/token-stream verbs, puzzle verbs, …).
/// </summary>
public static class DataCommand
{
    /// <summary>Creates the <c>data</c> command with every data verb attached.</summary>
    public static Command Create()
    {
        var data = new Command("data", "Download, build, prepare and inspect datasets.");
        ChatDataCommands.AddTo(data);
        PuzzleDataCommands.AddTo(data);
        SftDataCommands.AddTo(data);
        return data;
    }
}
