using System.CommandLine;

namespace Trm.Cli.Commands;

/// <summary>The <c>trm rl</c> command group (post-training). Each family of verbs adds itself with one line below.</summary>
public static class RlCommand
{
    /// <summary>Creates the <c>rl</c> command with every post-training verb attached.</summary>
    public static Command Create()
    {
        var rl = new Command("rl", "Post-training: reward models, GRPO, rejection sampling.");
        RewardModelCommands.AddTo(rl);
        rl.Subcommands.Add(RlGrpoCommand.Create());
        rl.Subcommands.Add(RlRsGenerateCommand.Create());
        return rl;
    }
}
