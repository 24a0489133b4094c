using Trm.Torch;

namespace Trm.Torch.Tests;

public class ErrorTests
{
    [Test]
    public void ShapeMismatchThrowsTorchExceptionWithLibtorchMessage()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensors.Ones([2, 3]);
        var b = Tensors.Ones([4, 5]);
        var ex = Assert.Throws<TorchException>(() => a.MatMul(b))!;
        Assert.That(ex.Operation, Is.EqualTo("matmul"));
        Assert.That(ex.NativeMessage, Does.Contain("cannot be multiplied").Or.Contain("size mismatch").Or.Contain("shapes"));
        Assert.That(ex.Message, Does.StartWith("matmul: "));
        // the error slot was consumed: the next good call works
        Assert.That(a.Sum().Item<float>(), Is.EqualTo(6));
        Assert.Throws<TorchException>(() => a.View(7));
        Assert.Throws<TorchException>(() => (a + b).Dispose());
    }

    [Test]
    public void UseAfterDisposeThrowsObjectDisposedException()
    {
        var t = Tensors.Ones([2]);
        t.Dispose();
        t.Dispose(); // idempotent
        Assert.That(t.IsDisposed, Is.True);
        Assert.Throws<ObjectDisposedException>(() => _ = t.Shape);
        Assert.Throws<ObjectDisposedException>(() => t.Sum());
        using var other = Tensors.Ones([2]);
        Assert.Throws<ObjectDisposedException>(() => _ = other + t);
    }

    [Test]
    public void DTypeMismatchesAreClearErrors()
    {
        using var scope = Engine.NewDisposeScope();
        var ints = Tensors.Arange(4);
        var ex = Assert.Throws<InvalidOperationException>(() => ints.ToArray<float>())!;
        Assert.That(ex.Message, Does.Contain("Int64").And.Contain("Single"));
        var te = Assert.Throws<TorchException>(() => Tensors.Ones([2, 2]).MatMul(Tensors.Ones([2, 2], DType.Float64)))!;
        Assert.That(te.NativeMessage, Does.Contain("Double").Or.Contain("dtype").Or.Contain("Float"));
        Assert.Throws<ArgumentException>(() => Tensors.FromArray(new float[] { 1, 2, 3 }, 2, 2));
        Assert.Throws<TorchException>(() => F.CrossEntropy(Tensors.Ones([2, 3]), Tensors.Ones([2])), "float targets for class indices");
    }

    [Test]
    public void CudaTensorsWithoutCudaFailCleanly()
    {
        if (Trm.Torch.Cuda.CudaDevice.IsAvailable) Assert.Ignore("CUDA present");
        Assert.Throws<TorchException>(() => Tensors.Zeros([2], device: Device.Cuda()));
    }
}
