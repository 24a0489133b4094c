namespace Trm.Rl.Tests;

public class RlPackageTests
{
    [Test]
    public void PackageNameMatchesAssembly() =>
        Assert.That(typeof(RlPackage).Assembly.GetName().Name, Is.EqualTo(RlPackage.Name));
}
