using Trm.Torch.Native;

namespace Trm.Torch.Tests.Native;

public sealed class OpenBlasCoreTypeTests
{
    private const string Zen4 = "vendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx2 avx512f avx512dq avx512_bf16\n";
    private const string Zen3 = "vendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx2\n";
    private const string IntelAvx512 = "vendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 avx2 avx512f\n";

    [Test]
    public void AppliesOnlyToAmdWithAvx512WhenTheUserSetNothing()
    {
        Assert.That(OpenBlasCoreType.Applies(null, Zen4), Is.True);
        Assert.That(OpenBlasCoreType.Applies("", Zen4), Is.True);
        Assert.That(OpenBlasCoreType.Applies("SkylakeX", Zen4), Is.False, "the user's choice wins");
        Assert.That(OpenBlasCoreType.Applies(null, Zen3), Is.False);
        Assert.That(OpenBlasCoreType.Applies(null, IntelAvx512), Is.False);
    }

    [Test]
    public void TheProcessEnvironmentHasTheKernelChoiceOnAnAffectedMachine()
    {
        _ = Engine.Version; // loads the native library (and OpenBLAS) through the resolver
        var cpu = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : "";
        if (!OpenBlasCoreType.Applies(null, cpu)) Assert.Ignore("This CPU is not affected.");
        Assert.That(Environment.GetEnvironmentVariable(OpenBlasCoreType.Variable), Is.Not.Null.And.Not.Empty);
    }
}
