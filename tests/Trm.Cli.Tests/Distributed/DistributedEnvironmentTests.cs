using Trm.Cli.Distributed;

namespace Trm.Cli.Tests.Distributed;

/// <summary>A worker's place from torchrun's or Slurm's variables.</summary>
public sealed class DistributedEnvironmentTests
{
    private static Func<string, string?> Vars(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Test]
    public void TorchrunVariablesGiveThePlace() =>
        Assert.That(DistributedEnvironment.Read(Vars(("RANK", "3"), ("LOCAL_RANK", "1"), ("WORLD_SIZE", "4"), ("LOCAL_WORLD_SIZE", "2"), ("MASTER_ADDR", "node0"), ("MASTER_PORT", "1234"))),
            Is.EqualTo(new DistributedEnvironment(3, 1, 4, 2, "node0", 1234)));

    [Test]
    public void SlurmVariablesMapTheSameWay() =>
        Assert.That(DistributedEnvironment.Read(Vars(("SLURM_PROCID", "5"), ("SLURM_LOCALID", "1"), ("SLURM_NTASKS", "8"), ("SLURM_NTASKS_PER_NODE", "4(x2)"), ("MASTER_ADDR", "head"))),
            Is.EqualTo(new DistributedEnvironment(5, 1, 8, 4, "head", DistributedEnvironment.DefaultPort)));

    [Test]
    public void OneProcessOrNoLauncherIsNotDistributed()
    {
        Assert.That(DistributedEnvironment.Read(Vars()), Is.Null);
        Assert.That(DistributedEnvironment.Read(Vars(("RANK", "0"), ("WORLD_SIZE", "1"))), Is.Null);
    }

    [Test]
    public void MissingOrMalformedVariablesAreNamed()
    {
        Assert.That(() => DistributedEnvironment.Read(Vars(("RANK", "0"), ("WORLD_SIZE", "2"))), Throws.InvalidOperationException.With.Message.Contains("MASTER_ADDR"));
        Assert.That(() => DistributedEnvironment.Read(Vars(("RANK", "x"), ("WORLD_SIZE", "2"), ("MASTER_ADDR", "a"))), Throws.InvalidOperationException.With.Message.Contains("RANK='x'"));
        Assert.That(() => DistributedEnvironment.Read(Vars(("RANK", "2"), ("WORLD_SIZE", "2"), ("MASTER_ADDR", "a"))), Throws.InvalidOperationException.With.Message.Contains("outside [0, 2)"));
    }
}
