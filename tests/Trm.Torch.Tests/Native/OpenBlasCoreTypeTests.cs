using Trm.Torch.Native;

namespace Trm.Torch.Tests.Native;

public sealed class OpenBlasCoreTypeTests
{
    private const string Zen4 = "vendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx2 avx512f avx512dq avx512_bf16\n";
    private const string Zen3 = "vendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx2\n";
    private const string IntelAvx512 = "vendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 avx2 avx512f\n";
    private const string IntelAvx2 = "vendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 avx2\n";

    [Test]
    public void ForcesAvx2KernelsOnAmdAndIntelCpusWithAvx512WhenTheUserSetNothing()
    {
        Assert.That(OpenBlasCoreType.Choose(null, Zen4), Is.EqualTo("Haswell"));
        Assert.That(OpenBlasCoreType.Choose("", Zen4), Is.EqualTo("Haswell"));
        Assert.That(OpenBlasCoreType.Choose(null, IntelAvx512), Is.EqualTo("Haswell"));
        Assert.That(OpenBlasCoreType.Choose("SkylakeX", Zen4), Is.Null, "the user's choice wins");
        Assert.That(OpenBlasCoreType.Choose("Haswell", IntelAvx512), Is.Null, "the user's choice wins");
        Assert.That(OpenBlasCoreType.Choose(null, Zen3), Is.Null);
        Assert.That(OpenBlasCoreType.Choose(null, IntelAvx2), Is.Null);
        Assert.That(OpenBlasCoreType.Applies(null, IntelAvx512), Is.True);
        Assert.That(OpenBlasCoreType.Applies(null, Zen3), Is.False);
    }

    [Test]
    public void TheProcessEnvironmentHasTheKernelChoiceOnAnAffectedMachine()
    {
        _ = Engine.Version; // loads the native library (and OpenBLAS) through the resolver
        var cpu = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : "";
        if (!OpenBlasCoreType.Applies(null, cpu)) Assert.Ignore("This CPU is not affected.");
        Assert.That(Environment.GetEnvironmentVariable(OpenBlasCoreType.Variable), Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public void IdleOpenMpThreadsSleepUnlessTheUserChoseOtherwise()
    {
        _ = Engine.Version; // loads the native library through the resolver, which sets the default
        Assert.That(Environment.GetEnvironmentVariable(OpenMpWaitPolicy.Variable), Is.Not.Null.And.Not.Empty);
        Assert.That(OpenMpWaitPolicy.Apply(), Is.False, "an existing value is kept");
    }
}
