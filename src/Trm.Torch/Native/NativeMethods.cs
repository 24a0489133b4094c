using System.Runtime.InteropServices;

namespace Trm.Torch.Native;

/// <summary>
/// P/Invoke declarations of the trm_native shim, one per export of native/include/trm_native.h (NativeAbiTests checks that
/// the two sets are equal). Tensors cross as <see cref="TensorHandle"/> (or raw pointers in arrays); other native objects as
/// their SafeHandles.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string Lib = "trm_native";

    static NativeMethods() => NativeLibraryResolver.Register();

    // errors
    [LibraryImport(Lib)] internal static partial IntPtr trm_last_error();
    [LibraryImport(Lib)] internal static partial void trm_clear_error();
    [LibraryImport(Lib)] internal static partial void trm_free(IntPtr p);

    // op codes (native/include/trm_ops.def)
    [LibraryImport(Lib)] internal static partial IntPtr trm_op_name(int family, int code);

    // lifetime and metadata
    [LibraryImport(Lib)] internal static partial void trm_tensor_free(IntPtr t);
    [LibraryImport(Lib)] internal static partial IntPtr trm_tensor_alias(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int trm_tensor_dim(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int trm_tensor_shape(TensorHandle t, long* shape);
    [LibraryImport(Lib)] internal static partial int trm_tensor_dtype(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int trm_tensor_device(TensorHandle t, int* index);
    [LibraryImport(Lib)] internal static partial int trm_tensor_requires_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int trm_tensor_set_requires_grad(TensorHandle t, int on);
    [LibraryImport(Lib)] internal static partial int trm_tensor_is_leaf(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int trm_tensor_set_data(TensorHandle t, TensorHandle src);
    [LibraryImport(Lib)] internal static partial IntPtr trm_tensor_data_ptr(TensorHandle t);

    // creation and conversion
    [LibraryImport(Lib)] internal static partial IntPtr trm_tensor_from_data(void* data, long* shape, int ndim, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Lib)] internal static partial int trm_tensor_copy_to(TensorHandle t, void* dst, long nbytes);
    [LibraryImport(Lib)] internal static partial IntPtr trm_tensor_new(int kind, long* shape, int ndim, double value, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Lib)] internal static partial IntPtr trm_tensor_like(TensorHandle t, int kind, double value);
    [LibraryImport(Lib)] internal static partial IntPtr trm_tensor_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Lib)] internal static partial IntPtr trm_tensor_random(int kind, long* shape, int ndim, long low, long high, IntPtr generator, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Lib)] internal static partial IntPtr trm_tensor_to(TensorHandle t, int deviceType, int deviceIndex, int dtype, int copy);
    [LibraryImport(Lib)] internal static partial int trm_tensor_item(TensorHandle t, double* d, long* l);
    [LibraryImport(Lib)] internal static partial IntPtr trm_tensor_clone(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr trm_tensor_contiguous(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr trm_as_strided(TensorHandle t, long* sizes, long* strides, int n, long offset);

    // shape ops
    [LibraryImport(Lib)] internal static partial IntPtr trm_view(TensorHandle t, long* shape, int n);
    [LibraryImport(Lib)] internal static partial IntPtr trm_reshape(TensorHandle t, long* shape, int n);
    [LibraryImport(Lib)] internal static partial IntPtr trm_permute(TensorHandle t, long* order, int n);
    [LibraryImport(Lib)] internal static partial IntPtr trm_expand(TensorHandle t, long* shape, int n);
    [LibraryImport(Lib)] internal static partial IntPtr trm_repeat(TensorHandle t, long* reps, int n);
    [LibraryImport(Lib)] internal static partial IntPtr trm_transpose(TensorHandle t, long a, long b);
    [LibraryImport(Lib)] internal static partial IntPtr trm_squeeze(TensorHandle t, long dim, int all);
    [LibraryImport(Lib)] internal static partial IntPtr trm_unsqueeze(TensorHandle t, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr trm_flatten(TensorHandle t, long start, long end);
    [LibraryImport(Lib)] internal static partial IntPtr trm_narrow(TensorHandle t, long dim, long start, long length);
    [LibraryImport(Lib)] internal static partial IntPtr trm_slice(TensorHandle t, long dim, long start, long end, long step);
    [LibraryImport(Lib)] internal static partial IntPtr trm_select(TensorHandle t, long dim, long index);
    [LibraryImport(Lib)] internal static partial IntPtr trm_index_select(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial IntPtr trm_gather(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial IntPtr trm_scatter(TensorHandle t, long dim, TensorHandle index, TensorHandle src, int add);
    [LibraryImport(Lib)] internal static partial IntPtr trm_masked_fill(TensorHandle t, TensorHandle mask, double value);
    [LibraryImport(Lib)] internal static partial IntPtr trm_masked_select(TensorHandle t, TensorHandle mask);
    [LibraryImport(Lib)] internal static partial IntPtr trm_where(TensorHandle cond, TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr trm_where_scalar(TensorHandle cond, TensorHandle a, double b);
    [LibraryImport(Lib)] internal static partial IntPtr trm_cat(IntPtr* items, int n, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr trm_stack(IntPtr* items, int n, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr trm_pad(TensorHandle t, long* pad, int n, double value);
    [LibraryImport(Lib)] internal static partial IntPtr trm_tril(TensorHandle t, long diagonal, int upper);
    [LibraryImport(Lib)] internal static partial IntPtr* trm_split(TensorHandle t, int mode, long arg, long dim, int* count);
    [LibraryImport(Lib)] internal static partial IntPtr trm_index(TensorHandle t, IntPtr* indices, int n);
    [LibraryImport(Lib)] internal static partial int trm_index_put_(TensorHandle t, IntPtr* indices, int n, TensorHandle values, int accumulate);

    // math
    [LibraryImport(Lib)] internal static partial IntPtr trm_unary(TensorHandle t, int op);
    [LibraryImport(Lib)] internal static partial IntPtr trm_binary(TensorHandle a, TensorHandle b, int op);
    [LibraryImport(Lib)] internal static partial IntPtr trm_add_alpha(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)] internal static partial IntPtr trm_binary_scalar(TensorHandle t, double value, int op);
    [LibraryImport(Lib)] internal static partial IntPtr trm_reduce(TensorHandle t, int op, long* dims, int ndims, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr trm_var(TensorHandle t, long* dims, int ndims, int unbiased, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr trm_norm(TensorHandle t, double p, long* dims, int ndims, int keepdim);
    [LibraryImport(Lib)] internal static partial int trm_max_dim(TensorHandle t, int op, long dim, int keepdim, IntPtr* values, IntPtr* indices);
    [LibraryImport(Lib)] internal static partial IntPtr trm_atan2(TensorHandle y, TensorHandle x);
    [LibraryImport(Lib)] internal static partial IntPtr trm_matmul(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr trm_bmm(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr trm_outer(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr trm_softmax(TensorHandle t, long dim, int log);
    [LibraryImport(Lib)] internal static partial IntPtr trm_clamp(TensorHandle t, int hasMin, double min, int hasMax, double max);
    [LibraryImport(Lib)] internal static partial int trm_topk(TensorHandle t, long k, long dim, int largest, int sorted, IntPtr* values, IntPtr* indices);
    [LibraryImport(Lib)] internal static partial int trm_sort(TensorHandle t, long dim, int descending, IntPtr* values, IntPtr* indices);
    [LibraryImport(Lib)] internal static partial IntPtr trm_cumsum(TensorHandle t, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr trm_multinomial(TensorHandle probs, long n, int replacement, IntPtr generator);
    [LibraryImport(Lib)] internal static partial int trm_allclose(TensorHandle a, TensorHandle b, double rtol, double atol);
    [LibraryImport(Lib)] internal static partial int trm_equal(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial int trm_inplace_scalar(TensorHandle t, int op, double value);
    [LibraryImport(Lib)] internal static partial int trm_inplace_tensor(TensorHandle t, TensorHandle other, int op, double alpha);
    [LibraryImport(Lib)] internal static partial int trm_zero_(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int trm_random_(TensorHandle t, int kind, double a, double b, IntPtr generator);
    [LibraryImport(Lib)] internal static partial int trm_masked_fill_(TensorHandle t, TensorHandle mask, double value);

    // nn
    [LibraryImport(Lib)] internal static partial IntPtr trm_linear(TensorHandle x, TensorHandle w, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr trm_embedding(TensorHandle indices, TensorHandle weight);
    [LibraryImport(Lib)] internal static partial IntPtr trm_cross_entropy(TensorHandle logits, TensorHandle target, IntPtr weight, long ignoreIndex, int reduction, double labelSmoothing);
    [LibraryImport(Lib)] internal static partial IntPtr trm_bce_with_logits(TensorHandle logits, TensorHandle target, IntPtr weight, IntPtr posWeight, int reduction);
    [LibraryImport(Lib)] internal static partial IntPtr trm_mse_loss(TensorHandle a, TensorHandle b, int reduction);
    [LibraryImport(Lib)] internal static partial IntPtr trm_dropout(TensorHandle x, double p, int training);
    [LibraryImport(Lib)] internal static partial IntPtr trm_rms_norm(TensorHandle x, IntPtr weight, double eps);
    [LibraryImport(Lib)] internal static partial IntPtr trm_layer_norm(TensorHandle x, long* shape, int n, IntPtr weight, IntPtr bias, double eps);
    [LibraryImport(Lib)] internal static partial IntPtr trm_sdpa(TensorHandle q, TensorHandle k, TensorHandle v, IntPtr mask, double dropoutP, int isCausal, double scale);

    // autograd
    [LibraryImport(Lib)] internal static partial int trm_backward(TensorHandle t, IntPtr gradient, int retainGraph, int createGraph);
    [LibraryImport(Lib)] internal static partial int trm_grad(TensorHandle t, IntPtr* grad);
    [LibraryImport(Lib)] internal static partial int trm_set_grad(TensorHandle t, IntPtr grad);
    [LibraryImport(Lib)] internal static partial int trm_zero_grad(IntPtr* parameters, int n, int setToNone);
    [LibraryImport(Lib)] internal static partial IntPtr trm_detach(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int trm_detach_(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int trm_set_grad_enabled(int on);
    [LibraryImport(Lib)] internal static partial int trm_is_grad_enabled();
    [LibraryImport(Lib)] internal static partial InferenceModeGuardHandle trm_inference_mode_enter();
    [LibraryImport(Lib)] internal static partial void trm_inference_mode_exit(IntPtr guard);
    [LibraryImport(Lib)] internal static partial int trm_is_inference_mode();
    [LibraryImport(Lib)] internal static partial int trm_autograd_grad(TensorHandle output, IntPtr gradOutput, IntPtr* inputs, int n, int retainGraph, int createGraph, IntPtr* outGrads);

    // optim
    [LibraryImport(Lib)] internal static partial int trm_adamw_step(IntPtr* parameters, IntPtr* expAvg, IntPtr* expAvgSq, long* steps, int n, double lr, double beta1, double beta2, double eps, double weightDecay, int mode);
    [LibraryImport(Lib)] internal static partial int trm_adam_atan2_step(IntPtr* parameters, IntPtr* expAvg, IntPtr* expAvgSq, long* steps, int n, double lr, double beta1, double beta2, double weightDecay);
    [LibraryImport(Lib)] internal static partial int trm_sparse_sign_sgd_step(TensorHandle weights, TensorHandle localGrad, TensorHandle localIds, double lr, double weightDecay);
    [LibraryImport(Lib)] internal static partial int trm_sgd_step(IntPtr* parameters, IntPtr* momentumBuf, long* steps, int n, double lr, double momentum, double weightDecay, int nesterov);
    [LibraryImport(Lib)] internal static partial int trm_clip_grad_norm(IntPtr* parameters, int n, double maxNorm, double* totalNorm);
    [LibraryImport(Lib)] internal static partial int trm_foreach_lerp_(IntPtr* dst, IntPtr* src, int n, double weight);
    [LibraryImport(Lib)] internal static partial int trm_foreach_copy_(IntPtr* dst, IntPtr* src, int n);

    // generators and global settings
    [LibraryImport(Lib)] internal static partial GeneratorHandle trm_generator_new(long seed);
    [LibraryImport(Lib)] internal static partial void trm_generator_free(IntPtr g);
    [LibraryImport(Lib)] internal static partial IntPtr trm_generator_get_state(GeneratorHandle g);
    [LibraryImport(Lib)] internal static partial int trm_generator_set_state(GeneratorHandle g, TensorHandle state);
    [LibraryImport(Lib)] internal static partial int trm_generator_seed(GeneratorHandle g, long* seed);
    [LibraryImport(Lib)] internal static partial int trm_manual_seed(long seed);
    [LibraryImport(Lib)] internal static partial int trm_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int trm_get_num_threads();
    [LibraryImport(Lib)] internal static partial IntPtr trm_torch_version();

    // serialization
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int trm_torch_load(string path, int* count, IntPtr** names, IntPtr** tensors);

    // cuda
    [LibraryImport(Lib)] internal static partial int trm_cuda_compiled();
    [LibraryImport(Lib)] internal static partial int trm_cuda_device_count();
    [LibraryImport(Lib)] internal static partial int trm_cuda_synchronize(int device);
    [LibraryImport(Lib)] internal static partial int trm_cuda_empty_cache();
    [LibraryImport(Lib)] internal static partial int trm_cuda_memory_stat(int device, int which, long* value);
    [LibraryImport(Lib)] internal static partial int trm_cuda_reset_peak(int device);
    [LibraryImport(Lib)] internal static partial int trm_autocast_enter(int dtype, int* prevEnabled, int* prevDtype);
    [LibraryImport(Lib)] internal static partial int trm_autocast_exit(int prevEnabled, int prevDtype);
    [LibraryImport(Lib)] internal static partial CudaGraphHandle trm_cuda_graph_new();
    [LibraryImport(Lib)] internal static partial void trm_cuda_graph_free(IntPtr g);
    [LibraryImport(Lib)] internal static partial int trm_cuda_graph_capture_begin(CudaGraphHandle g);
    [LibraryImport(Lib)] internal static partial int trm_cuda_graph_capture_end(CudaGraphHandle g);
    [LibraryImport(Lib)] internal static partial int trm_cuda_graph_replay(CudaGraphHandle g);

    // fused kernels (CUDA in kernels.cu; the unfused libtorch ops otherwise)
    [LibraryImport(Lib)] internal static partial int trm_fused_kernels_compiled();
    [LibraryImport(Lib)] internal static partial int trm_fused_kernels_enabled();
    [LibraryImport(Lib)] internal static partial int trm_fused_kernels_set_enabled(int enabled);
    [LibraryImport(Lib)] internal static partial IntPtr trm_add_rms_norm(TensorHandle x, TensorHandle residual, double eps);
    [LibraryImport(Lib)] internal static partial IntPtr trm_swiglu(TensorHandle gateUp);

    /// <summary>Throws the pending native error as a <see cref="TorchException"/>.</summary>
    internal static TorchException TakeError(string op)
    {
        IntPtr p = trm_last_error();
        string message;
        if (p == IntPtr.Zero)
        {
            message = "native call failed without a message";
        }
        else
        {
            message = Marshal.PtrToStringUTF8(p) ?? string.Empty;
            trm_free(p);
        }
        return new TorchException(op, message);
    }

    /// <summary>Throws when a status code signals failure (negative).</summary>
    internal static int Check(int rc, string op)
    {
        if (rc < 0) throw TakeError(op);
        return rc;
    }

    /// <summary>Throws when a returned pointer is null.</summary>
    internal static IntPtr Check(IntPtr p, string op)
    {
        if (p == IntPtr.Zero) throw TakeError(op);
        return p;
    }
}
