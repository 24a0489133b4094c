using System.Diagnostics;
using System.Text;

namespace Trm.Torch.Tests.Native;

/// <summary>
/// What a user sees when the engine cannot be loaded. Each case runs this test assembly as a program in a child process
/// (a process loads the library once) with TRM_NATIVE_LIB pointing at a prepared folder.
/// </summary>
public class NativeLibraryLoadTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-native-load-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static (int ExitCode, string Output) RunProbe(string verb, string? nativeLib)
    {
        string self = typeof(NativeLoadProbe).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(self);
        psi.ArgumentList.Add(verb);
        if (nativeLib is null) psi.Environment.Remove("TRM_NATIVE_LIB");
        else psi.Environment["TRM_NATIVE_LIB"] = nativeLib;
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        Assert.That(p.WaitForExit(60_000), "probe timed out");
        return (p.ExitCode, stdout + stderr);
    }

    private static string LoadedLibraryPath()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "libtrm_native.so");
        Assume.That(File.Exists(beside), "the built libtrm_native.so is next to the tests");
        return beside;
    }

    [Test]
    public void EmptyFolder_GivesOneActionableLine()
    {
        var (code, output) = RunProbe("native-load-probe", _dir);
        Assert.That(code, Is.EqualTo(3), output);
        string line = output.Split('\n')[0];
        Assert.That(line, Does.StartWith("NativeLibraryLoadException: Trm.Torch could not load its native engine: libtrm_native.so was not found"));
        Assert.That(line, Does.Contain(Path.Combine(_dir, "libtrm_native.so")));
        Assert.That(line, Does.Contain("sudo apt-get install libtorch-dev libopenblas-dev"));
        Assert.That(line, Does.Contain("TRM_NATIVE_LIB"));
        Assert.That(output, Does.Contain("library: libtrm_native.so"));
        Assert.That(output, Does.Not.Contain("without CUDA").And.Not.Contain("   at "), "no stack trace; CUDA not blamed");
    }

    [Test]
    public void MissingLibtorch_NamesTheDependencyAndQuotesTheLoader()
    {
        // A copy of the shim whose DT_NEEDED libc10.so.1.13 is renamed to a library that does not exist.
        byte[] bytes = File.ReadAllBytes(LoadedLibraryPath());
        int replaced = ReplaceAll(bytes, "libc10.so.1.13", "libc10.so.0.00");
        Assume.That(replaced, Is.GreaterThan(0), "the shim links libc10.so.1.13 (Debian's libtorch)");
        string fake = Path.Combine(_dir, "libtrm_native.so");
        File.WriteAllBytes(fake, bytes);

        var (code, output) = RunProbe("native-load-probe", fake);
        Assert.That(code, Is.EqualTo(3), output);
        string line = output.Split('\n')[0];
        Assert.That(line, Does.Contain($"libtrm_native.so ({fake}) needs libc10.so.0.00, which could not be loaded: libc10.so.0.00: cannot open shared object file"));
        Assert.That(line, Does.Contain("sudo apt-get install libtorch-dev libopenblas-dev"));
        Assert.That(line, Does.Contain("TRM_NATIVE_LIB"));
        Assert.That(output, Does.Contain("library: libc10.so.0.00"));
    }

    [Test]
    public void CudaQueryFirst_IsFalseAndTheTensorReportsTheRealCause()
    {
        var (code, output) = RunProbe("cuda-probe", _dir);
        Assert.That(code, Is.EqualTo(3), output);
        Assert.That(output, Does.StartWith("cuda available: False\nNativeLibraryLoadException: Trm.Torch could not load its native engine: libtrm_native.so was not found"));
    }

    [Test]
    public void FolderInTrmNativeLib_IsSearched()
    {
        File.Copy(LoadedLibraryPath(), Path.Combine(_dir, "libtrm_native.so"));
        var (code, output) = RunProbe("native-load-probe", _dir);
        Assert.That((code, output.Trim()), Is.EqualTo((0, "loaded: 2")));
    }

    [Test]
    public void Candidates_IncludeTheNuGetLayoutRelativeToTheAssembly()
    {
        string lib = Path.Combine("/pkgs", "trm.torch", "0.1.0", "lib", "net10.0");
        var candidates = Trm.Torch.Native.NativeLibraryResolver.Candidates(lib, "/app/");
        string rid = Trm.Torch.Native.NativeLibraryResolver.RuntimeId;
        Assert.That(candidates, Is.EqualTo(new[]
        {
            $"{lib}/libtrm_native.so",
            $"{lib}/runtimes/{rid}/native/libtrm_native.so",
            $"/pkgs/trm.torch/0.1.0/runtimes/{rid}/native/libtrm_native.so",
            "/app/libtrm_native.so",
            $"/app/runtimes/{rid}/native/libtrm_native.so",
        }));
    }

    private static int ReplaceAll(byte[] haystack, string from, string to)
    {
        byte[] a = Encoding.ASCII.GetBytes(from), b = Encoding.ASCII.GetBytes(to);
        int count = 0;
        for (int i = 0; i + a.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, a.Length).SequenceEqual(a))
            {
                b.CopyTo(haystack, i);
                count++;
            }
        }
        return count;
    }
}
