using System.Reflection;
using System.Runtime.InteropServices;
using Trm.Torch.Distributed;
using Trm.Torch.Native;

namespace Trm.Torch.Tests.Native;

/// <summary>
/// The native ABI is declared once: the exports of libtrm_native.so (read from its ELF .dynsym) and the P/Invoke
/// declarations of Trm.Torch are the same set, and the op codes of native/include/trm_ops.def mean the same op on both
/// sides (the C# enums are generated from the .def at build time; the native table answers through trm_op_name).
/// </summary>
public sealed class NativeAbiTests
{
    private static string LibraryPath
    {
        get
        {
            string path = Path.Combine(Path.GetDirectoryName(typeof(Tensor).Assembly.Location)!, "libtrm_native.so");
            Assert.That(File.Exists(path), Is.True, $"{path} (copied next to Trm.Torch.dll by the build)");
            return path;
        }
    }

    private static SortedSet<string> Exports() => new(ElfDynamicSymbols.ExportedFunctions(LibraryPath).Where(n => n.StartsWith("trm_", StringComparison.Ordinal)), StringComparer.Ordinal);

    private static SortedSet<string> PInvokes()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var type in typeof(Tensor).Assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(all))
            {
                if (method.GetCustomAttribute<LibraryImportAttribute>() is { } import && import.LibraryName == NativeMethods.Lib)
                    names.Add(import.EntryPoint ?? method.Name);
                else if (method.GetCustomAttribute<DllImportAttribute>() is { } dll && dll.Value == NativeMethods.Lib)
                    names.Add(dll.EntryPoint ?? method.Name);
            }
        }
        return names;
    }

    [Test]
    public void TheReaderFindsKnownExportsAndNoHiddenSymbols()
    {
        var exports = Exports();
        Assert.That(exports, Does.Contain("trm_tensor_free").And.Contain("trm_op_name").And.Contain("trm_adam_atan2_step"));
        // -fvisibility=hidden: libtorch's inline helpers compiled into the shim are not exported with a trm_ prefix.
        Assert.That(exports.All(n => n.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')), Is.True);
    }

    [Test]
    public void EveryExportIsBoundAndEveryBindingIsExported()
    {
        var exports = Exports();
        var bound = PInvokes();
        Assert.That(bound.Count, Is.GreaterThan(100), "the P/Invoke scan found the declarations");
        Assert.Multiple(() =>
        {
            Assert.That(exports.Except(bound), Is.Empty, "exported by libtrm_native.so but not bound by a P/Invoke in Trm.Torch");
            Assert.That(bound.Except(exports), Is.Empty, "bound by a P/Invoke in Trm.Torch but not exported by libtrm_native.so");
        });
    }

    [Test]
    public void EveryOpCodeNamesTheSameOpOnBothSides()
    {
        Assert.That(NativeOps.All, Has.Length.GreaterThan(100));
        Assert.Multiple(() =>
        {
            foreach (var op in NativeOps.All)
            {
                Assert.That(NativeName(op.FamilyCode, op.Code), Is.EqualTo(op.Name), $"{op.Family} op {op.Code}");
                Assert.That(Enum.IsDefined(op.Enum, op.Code), Is.True, $"{op.Enum.Name} has code {op.Code}");
            }
        });
    }

    [Test]
    public void TheNativeTableHasNoOpsTheCSharpTableLacks()
    {
        var known = NativeOps.All.Select(o => (o.FamilyCode, o.Code)).ToHashSet();
        int families = NativeOps.All.Max(o => o.FamilyCode) + 1;
        var extra = new List<string>();
        for (int family = 0; family <= families; family++)
        {
            for (int code = -1; code < 64; code++)
            {
                if (!known.Contains((family, code)) && NativeName(family, code) is { } name) extra.Add($"{family}:{code} {name}");
            }
        }
        Assert.That(extra, Is.Empty);
        Assert.That(NativeName(families, 0), Is.Null);
    }

    [Test]
    public void EnumsGeneratedFromTheDefinitionCarryItsCodes()
    {
        // Hand-checked rows of trm_ops.def (a generator that dropped or shifted a line fails here).
        Assert.Multiple(() =>
        {
            Assert.That((int)UnaryOp.GeluTanh, Is.EqualTo(23));
            Assert.That(UnaryOp.GeluTanh.Name(), Is.EqualTo("gelu_tanh"));
            Assert.That((int)UnaryOp.Erfinv, Is.EqualTo(27));
            Assert.That((int)ScalarOp.ReverseSub, Is.EqualTo(20));
            Assert.That((int)ReductionOp.LogSumExp, Is.EqualTo(9));
            Assert.That((int)InplaceTensorOp.Lerp, Is.EqualTo(3));
            Assert.That(Enum.GetValues<UnaryOp>(), Has.Length.EqualTo(28));
            Assert.That(Enum.GetValues<BinaryOp>(), Has.Length.EqualTo(18));
        });
    }

    [Test]
    public void ThePublicReduceOpIsTheNativeCollectiveOpTable()
    {
        var collective = Enum.GetValues<CollectiveOp>().ToDictionary(v => v.ToString(), v => (int)v);
        var reduce = Enum.GetValues<ReduceOp>().ToDictionary(v => v.ToString(), v => (int)v);
        Assert.That(reduce, Is.EquivalentTo(collective));
    }

    [Test]
    public unsafe void AnUnknownOpCodeIsAClearError()
    {
        using var t = Tensors.Zeros([2]);
        IntPtr result = NativeMethods.trm_unary(t.Handle, 99);
        Assert.That(result, Is.EqualTo(IntPtr.Zero));
        var e = NativeMethods.TakeError("unary");
        Assert.That(e.Message, Does.Contain("unknown unary op code 99 (see native/include/trm_ops.def)"));
        Assert.That(NativeMethods.trm_inplace_scalar(t.Handle, 42, 1.0), Is.EqualTo(-1), "an unknown in-place op is not a silent no-op");
        Assert.That(NativeMethods.TakeError("inplace_scalar").Message, Does.Contain("unknown inplace_scalar op code 42"));
    }

    private static string? NativeName(int family, int code) => Marshal.PtrToStringUTF8(NativeMethods.trm_op_name(family, code));
}
