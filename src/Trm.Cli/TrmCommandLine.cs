using System.CommandLine;

namespace Trm.Cli;

/// <summary>Builds the <c>trm</c> root command. Each verb lives in its own file under <c>Commands/</c> and is registered here.</summary>
public static class TrmCommandLine
{
    /// <summary>Creates the root command with every verb registered.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("trm — build datasets, train, evaluate and run Tiny Recursive Models.");
        // Verbs register themselves here, one line each (keep alphabetical to ease merges).
        root.Subcommands.Add(Commands.DataCommand.Create());
        root.Subcommands.Add(Commands.DetokenizeCommand.Create());
        root.Subcommands.Add(Commands.EvalCommand.Create());
        root.Subcommands.Add(Commands.EvalChatCommand.Create());
        root.Subcommands.Add(Commands.GenerateCommand.Create());
        root.Subcommands.Add(Commands.PlotCommand.Create());
        root.Subcommands.Add(Commands.QuickstartCommand.Create());
        root.Subcommands.Add(Commands.RlCommand.Create());
        root.Subcommands.Add(Commands.SolveCommand.Create());
        root.Subcommands.Add(Commands.TokenizeCommand.Create());
        root.Subcommands.Add(Commands.TrainCommand.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static Task<int> InvokeAsync(string[] args) => CreateRootCommand().Parse(args).InvokeAsync();
}
