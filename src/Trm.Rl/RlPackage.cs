namespace Trm.Rl;

/// <summary>Facts about the Trm.Rl package.</summary>
public static class RlPackage
{
    /// <summary>The package's name, as published on NuGet.</summary>
    public const string Name = "Trm.Rl";
}
