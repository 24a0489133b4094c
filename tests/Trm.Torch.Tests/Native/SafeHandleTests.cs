using System.Reflection;
using System.Runtime.InteropServices;
using Trm.Torch.Native;

namespace Trm.Torch.Tests.Native;

/// <summary>Every native object of Trm.Torch is owned by a SafeHandle.</summary>
public sealed class SafeHandleTests
{
    [Test]
    public void NoTypeKeepsARawNativePointerField()
    {
        // A raw IntPtr field outside a SafeHandle would be a native object without an owner (or with a hand-written finalizer).
        const BindingFlags instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        var raw = typeof(Tensor).Assembly.GetTypes()
            .Where(t => !typeof(SafeHandle).IsAssignableFrom(t))
            .SelectMany(t => t.GetFields(instance).Where(f => f.FieldType == typeof(IntPtr) || f.FieldType == typeof(UIntPtr) || f.FieldType.IsPointer)
                .Select(f => $"{t.FullName}.{f.Name}"))
            .ToList();
        Assert.That(raw, Is.Empty);
        var finalizers = typeof(Tensor).Assembly.GetTypes()
            .Where(t => !typeof(SafeHandle).IsAssignableFrom(t) && t.GetMethod("Finalize", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly) is not null)
            .Select(t => t.FullName)
            .ToList();
        Assert.That(finalizers, Is.Empty, "finalization belongs to the SafeHandles");
    }

    [Test]
    public void AGeneratorIsUsableUntilDisposedThenThrows()
    {
        var g = new Generator(123);
        Assert.That(g.Seed, Is.EqualTo(123));
        using (var state = g.GetState()) g.SetState(state);
        g.Dispose();
        g.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => _ = g.Seed);
        Assert.Throws<ObjectDisposedException>(() => Tensors.Randn([2], g));
    }

    [Test]
    public void AnUndisposedGeneratorIsReleasedByItsHandle()
    {
        var handleType = typeof(GeneratorHandle);
        Assert.That(typeof(SafeHandle).IsAssignableFrom(handleType), Is.True);
        var field = typeof(Generator).GetFields(BindingFlags.Instance | BindingFlags.NonPublic).Single(f => typeof(SafeHandle).IsAssignableFrom(f.FieldType));
        var g = new Generator(5);
        var handle = (SafeHandle)field.GetValue(g)!;
        Assert.That(handle.IsInvalid, Is.False);
        g.Dispose();
        Assert.That(handle.IsClosed, Is.True);
    }

    [Test]
    public void InferenceModeScopesNestAndRestore()
    {
        Assert.That(Engine.IsInferenceMode, Is.False);
        using (Engine.InferenceMode())
        {
            Assert.That(Engine.IsInferenceMode, Is.True);
        }
        Assert.That(Engine.IsInferenceMode, Is.False);
    }
}
