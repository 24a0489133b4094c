// trm_native: the complete exported C ABI of the libtorch shim, declared once.
//
// Every exported function is declared here and nowhere else; every native/src/*.cpp includes this header (through
// trm.h), and the build uses -Werror=missing-declarations, so a definition whose signature differs from its declaration,
// or an export without a declaration, does not compile. Trm.Torch binds these names by P/Invoke (src/Trm.Torch/Native);
// tests/Trm.Torch.Tests/Native/NativeAbiTests.cs checks that the library's exported trm_* symbols and the P/Invoke
// declarations are the same set. Op codes (the `op`, `kind`, `mode`, `which` arguments) are listed in trm_ops.def.
//
// Conventions: handles are opaque pointers owned by the caller until freed with the matching *_free function; every entry
// point catches all exceptions, stores the message in a thread-local slot (trm_last_error) and returns a sentinel
// (nullptr for handles, -1 for status codes). Arrays are (pointer, count) pairs; outputs are pointer parameters.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
namespace at {
class Tensor;
struct Generator;
}  // namespace at
typedef at::Tensor* TrmTensor;        // a heap-allocated at::Tensor (one reference to the tensor)
typedef at::Generator* TrmGenerator;  // a heap-allocated at::Generator
#define TRM_API extern "C" __attribute__((visibility("default")))
#else
typedef struct TrmTensorObject* TrmTensor;
typedef struct TrmGeneratorObject* TrmGenerator;
#define TRM_API __attribute__((visibility("default")))
#endif
typedef void* TrmProcessGroup;    // a c10d process group with its store (trm_pg_free)
typedef void* TrmCudaGraph;       // an at::cuda::CUDAGraph (trm_cuda_graph_free)
typedef void* TrmInferenceGuard;  // a c10::InferenceMode guard (trm_inference_mode_exit, same thread, LIFO)

// ---- op codes (ops.cpp) ----
// The name of op `code` of family `family` as listed in trm_ops.def, or nullptr when there is no such op.
TRM_API const char* trm_op_name(int family, int code);

// ---- errors (errors.cpp) ----
TRM_API char* trm_last_error();
TRM_API void trm_clear_error();
TRM_API void trm_free(void* p);

// ---- tensor.cpp ----
TRM_API void trm_tensor_free(TrmTensor t);
TRM_API TrmTensor trm_tensor_alias(TrmTensor t);
TRM_API int trm_tensor_dim(TrmTensor t);
TRM_API int trm_tensor_shape(TrmTensor t, int64_t* out);
TRM_API int trm_tensor_dtype(TrmTensor t);
TRM_API int trm_tensor_device(TrmTensor t, int* index);
TRM_API int trm_tensor_requires_grad(TrmTensor t);
TRM_API int trm_tensor_set_requires_grad(TrmTensor t, int on);
TRM_API int trm_tensor_is_leaf(TrmTensor t);
TRM_API TrmTensor trm_tensor_from_data(const void* data, const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
TRM_API int trm_tensor_copy_to(TrmTensor t, void* dst, int64_t nbytes);
TRM_API TrmTensor trm_tensor_new(int kind, const int64_t* shape, int ndim, double value, int dtype, int device_type, int device_index);
TRM_API TrmTensor trm_tensor_like(TrmTensor t, int kind, double value);
TRM_API TrmTensor trm_tensor_arange(double start, double end, double step, int dtype, int device_type, int device_index);
TRM_API TrmTensor trm_tensor_random(int kind, const int64_t* shape, int ndim, int64_t low, int64_t high, TrmGenerator g, int dtype, int device_type, int device_index);
TRM_API TrmTensor trm_tensor_to(TrmTensor t, int device_type, int device_index, int dtype, int copy);
TRM_API int trm_tensor_item(TrmTensor t, double* out_double, int64_t* out_long);
TRM_API TrmTensor trm_tensor_clone(TrmTensor t);
TRM_API TrmTensor trm_tensor_contiguous(TrmTensor t);
TRM_API TrmTensor trm_view(TrmTensor t, const int64_t* shape, int n);
TRM_API TrmTensor trm_reshape(TrmTensor t, const int64_t* shape, int n);
TRM_API TrmTensor trm_permute(TrmTensor t, const int64_t* order, int n);
TRM_API TrmTensor trm_expand(TrmTensor t, const int64_t* shape, int n);
TRM_API TrmTensor trm_transpose(TrmTensor t, int64_t a, int64_t b);
TRM_API TrmTensor trm_squeeze(TrmTensor t, int64_t dim, int all);
TRM_API TrmTensor trm_unsqueeze(TrmTensor t, int64_t dim);
TRM_API TrmTensor trm_flatten(TrmTensor t, int64_t start, int64_t end);
TRM_API TrmTensor trm_narrow(TrmTensor t, int64_t dim, int64_t start, int64_t length);
TRM_API TrmTensor trm_slice(TrmTensor t, int64_t dim, int64_t start, int64_t end, int64_t step);
TRM_API TrmTensor trm_select(TrmTensor t, int64_t dim, int64_t index);
TRM_API TrmTensor trm_index_select(TrmTensor t, int64_t dim, TrmTensor index);
TRM_API TrmTensor trm_gather(TrmTensor t, int64_t dim, TrmTensor index);
TRM_API TrmTensor trm_scatter(TrmTensor t, int64_t dim, TrmTensor index, TrmTensor src, int add);
TRM_API TrmTensor trm_masked_fill(TrmTensor t, TrmTensor mask, double value);
TRM_API TrmTensor trm_masked_select(TrmTensor t, TrmTensor mask);
TRM_API TrmTensor trm_where(TrmTensor cond, TrmTensor a, TrmTensor b);
TRM_API TrmTensor trm_where_scalar(TrmTensor cond, TrmTensor a, double b);
TRM_API TrmTensor trm_cat(const TrmTensor* items, int n, int64_t dim);
TRM_API TrmTensor trm_stack(const TrmTensor* items, int n, int64_t dim);
TRM_API TrmTensor trm_pad(TrmTensor t, const int64_t* pad, int n, double value);
TRM_API TrmTensor trm_repeat(TrmTensor t, const int64_t* reps, int n);
TRM_API TrmTensor trm_tril(TrmTensor t, int64_t diagonal, int upper);
TRM_API TrmTensor* trm_split(TrmTensor t, int mode, int64_t arg, int64_t dim, int* count);
TRM_API TrmGenerator trm_generator_new(int64_t seed);
TRM_API void trm_generator_free(TrmGenerator g);
TRM_API TrmTensor trm_generator_get_state(TrmGenerator g);
TRM_API int trm_generator_set_state(TrmGenerator g, TrmTensor state);
TRM_API int trm_generator_seed(TrmGenerator g, int64_t* seed);
TRM_API int trm_manual_seed(int64_t seed);
TRM_API int trm_set_num_threads(int n);
TRM_API int trm_get_num_threads();
TRM_API const char* trm_torch_version();
TRM_API int trm_tensor_set_data(TrmTensor t, TrmTensor src);
TRM_API void* trm_tensor_data_ptr(TrmTensor t);
TRM_API TrmTensor trm_as_strided(TrmTensor t, const int64_t* sizes, const int64_t* strides, int n, int64_t offset);

// ---- math.cpp ----
TRM_API TrmTensor trm_unary(TrmTensor t, int op);
TRM_API TrmTensor trm_binary(TrmTensor a, TrmTensor b, int op);
TRM_API TrmTensor trm_add_alpha(TrmTensor a, TrmTensor b, double alpha);
TRM_API TrmTensor trm_binary_scalar(TrmTensor t, double value, int op);
TRM_API TrmTensor trm_reduce(TrmTensor t, int op, const int64_t* dims, int ndims, int keepdim);
TRM_API TrmTensor trm_var(TrmTensor t, const int64_t* dims, int ndims, int unbiased, int keepdim);
TRM_API TrmTensor trm_norm(TrmTensor t, double p, const int64_t* dims, int ndims, int keepdim);
TRM_API int trm_max_dim(TrmTensor t, int op, int64_t dim, int keepdim, TrmTensor* values, TrmTensor* indices);
TRM_API TrmTensor trm_matmul(TrmTensor a, TrmTensor b);
TRM_API TrmTensor trm_bmm(TrmTensor a, TrmTensor b);
TRM_API TrmTensor trm_outer(TrmTensor a, TrmTensor b);
TRM_API TrmTensor trm_softmax(TrmTensor t, int64_t dim, int log);
TRM_API TrmTensor trm_clamp(TrmTensor t, int has_min, double min, int has_max, double max);
TRM_API int trm_topk(TrmTensor t, int64_t k, int64_t dim, int largest, int sorted, TrmTensor* values, TrmTensor* indices);
TRM_API int trm_sort(TrmTensor t, int64_t dim, int descending, TrmTensor* values, TrmTensor* indices);
TRM_API TrmTensor trm_cumsum(TrmTensor t, int64_t dim);
TRM_API TrmTensor trm_multinomial(TrmTensor probs, int64_t n, int replacement, TrmGenerator g);
TRM_API int trm_allclose(TrmTensor a, TrmTensor b, double rtol, double atol);
TRM_API int trm_equal(TrmTensor a, TrmTensor b);
TRM_API int trm_inplace_scalar(TrmTensor t, int op, double value);
TRM_API int trm_inplace_tensor(TrmTensor t, TrmTensor other, int op, double alpha);
TRM_API int trm_zero_(TrmTensor t);
TRM_API int trm_random_(TrmTensor t, int kind, double a, double b, TrmGenerator g);
TRM_API int trm_masked_fill_(TrmTensor t, TrmTensor mask, double value);
TRM_API int trm_index_put_(TrmTensor t, const TrmTensor* indices, int n, TrmTensor values, int accumulate);
TRM_API TrmTensor trm_index(TrmTensor t, const TrmTensor* indices, int n);
TRM_API TrmTensor trm_atan2(TrmTensor y, TrmTensor x);

// ---- nn.cpp ----
TRM_API TrmTensor trm_linear(TrmTensor x, TrmTensor w, TrmTensor b);
TRM_API TrmTensor trm_embedding(TrmTensor indices, TrmTensor weight);
TRM_API TrmTensor trm_cross_entropy(TrmTensor logits, TrmTensor target, TrmTensor weight, int64_t ignore_index, int reduction, double label_smoothing);
TRM_API TrmTensor trm_bce_with_logits(TrmTensor logits, TrmTensor target, TrmTensor weight, TrmTensor pos_weight, int reduction);
TRM_API TrmTensor trm_mse_loss(TrmTensor a, TrmTensor b, int reduction);
TRM_API TrmTensor trm_dropout(TrmTensor x, double p, int training);
TRM_API TrmTensor trm_rms_norm(TrmTensor x, TrmTensor weight, double eps);
TRM_API TrmTensor trm_layer_norm(TrmTensor x, const int64_t* shape, int n, TrmTensor weight, TrmTensor bias, double eps);
TRM_API TrmTensor trm_sdpa(TrmTensor q, TrmTensor k, TrmTensor v, TrmTensor mask, double dropout_p, int is_causal, double scale);

// ---- autograd.cpp ----
TRM_API int trm_backward(TrmTensor t, TrmTensor gradient, int retain_graph, int create_graph);
TRM_API int trm_grad(TrmTensor t, TrmTensor* out);
TRM_API int trm_set_grad(TrmTensor t, TrmTensor g);
TRM_API int trm_zero_grad(const TrmTensor* params, int n, int set_to_none);
TRM_API TrmTensor trm_detach(TrmTensor t);
TRM_API int trm_detach_(TrmTensor t);
TRM_API int trm_set_grad_enabled(int on);
TRM_API int trm_is_grad_enabled();
TRM_API TrmInferenceGuard trm_inference_mode_enter();
TRM_API void trm_inference_mode_exit(TrmInferenceGuard guard);
TRM_API int trm_is_inference_mode();
TRM_API int trm_autograd_grad(TrmTensor output, TrmTensor grad_output, const TrmTensor* inputs, int n, int retain_graph, int create_graph, TrmTensor* out);

// ---- optim.cpp ----
TRM_API int trm_adamw_step(const TrmTensor* params, const TrmTensor* exp_avg, const TrmTensor* exp_avg_sq, int64_t* steps, int n, double lr, double beta1, double beta2, double eps, double weight_decay, int mode);
TRM_API int trm_sgd_step(const TrmTensor* params, const TrmTensor* momentum_buf, int64_t* steps, int n, double lr, double momentum, double weight_decay, int nesterov);
TRM_API int trm_clip_grad_norm(const TrmTensor* params, int n, double max_norm, double* total_norm);
TRM_API int trm_foreach_lerp_(const TrmTensor* dst, const TrmTensor* src, int n, double weight);
TRM_API int trm_foreach_copy_(const TrmTensor* dst, const TrmTensor* src, int n);
TRM_API int trm_adam_atan2_step(const TrmTensor* params, const TrmTensor* exp_avg, const TrmTensor* exp_avg_sq, int64_t* steps, int n, double lr, double beta1, double beta2, double weight_decay);
TRM_API int trm_sparse_sign_sgd_step(TrmTensor weights, TrmTensor local_grad, TrmTensor local_ids, double lr, double weight_decay);

// ---- serialize.cpp ----
TRM_API int trm_torch_load(const char* path, int* count, char*** names, TrmTensor** tensors);

// ---- cuda.cpp ----
TRM_API int trm_cuda_compiled();
TRM_API int trm_cuda_device_count();
TRM_API int trm_cuda_synchronize(int device);
TRM_API int trm_cuda_empty_cache();
TRM_API int trm_cuda_memory_stat(int device, int which, int64_t* out);
TRM_API int trm_cuda_reset_peak(int device);
TRM_API int trm_autocast_enter(int dtype, int* prev_enabled, int* prev_dtype);
TRM_API int trm_autocast_exit(int prev_enabled, int prev_dtype);
TRM_API TrmCudaGraph trm_cuda_graph_new();
TRM_API void trm_cuda_graph_free(TrmCudaGraph g);
TRM_API int trm_cuda_graph_capture_begin(TrmCudaGraph g);
TRM_API int trm_cuda_graph_capture_end(TrmCudaGraph g);
TRM_API int trm_cuda_graph_replay(TrmCudaGraph g);

// ---- fused.cpp (CUDA kernels in kernels.cu when built with them; the unfused libtorch ops otherwise) ----
TRM_API int trm_fused_kernels_compiled();
TRM_API int trm_fused_kernels_enabled();
TRM_API int trm_fused_kernels_set_enabled(int enabled);
TRM_API TrmTensor trm_add_rms_norm(TrmTensor x, TrmTensor residual, double eps);
TRM_API TrmTensor trm_swiglu(TrmTensor gate_up);

// ---- distributed.cpp ----
TRM_API int trm_dist_available();
TRM_API TrmProcessGroup trm_pg_new_gloo(const char* init, int rank, int world_size, const char* host, int64_t timeout_ms);
TRM_API int trm_dist_nccl_available();
TRM_API TrmProcessGroup trm_pg_new_nccl(const char* init, int rank, int world_size, int64_t timeout_ms);
TRM_API void trm_pg_free(TrmProcessGroup g);
TRM_API int trm_pg_allreduce(TrmProcessGroup g, const TrmTensor* tensors, int n, int op);
TRM_API int trm_pg_broadcast(TrmProcessGroup g, TrmTensor t, int root);
TRM_API int trm_pg_barrier(TrmProcessGroup g);
TRM_API int trm_pg_allgather(TrmProcessGroup g, TrmTensor input, TrmTensor* outputs);

// ---- profiling.cpp ----
TRM_API int trm_op_count_start();
TRM_API const char* trm_op_count_stop();
TRM_API int trm_get_num_interop_threads();

// ---- blas_threads.cpp ----
TRM_API int trm_get_num_blas_threads();
