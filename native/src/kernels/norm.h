// Batch norm and layer norm kernels. Both see their input as [outer, channels, inner]
// and normalise each channel over its (outer, inner) elements: batch norm's (N, C, H*W)
// (NCHW or channels_last, by the strides) and layer norm's (1, rows, normalized numel).
// Statistics are summed in double (two passes: mean, then squared deviations), so
// float32 inputs lose nothing to cancellation. The caller (bindings/norm_binding.cc) has
// checked every operand against its buffer; all full-size operands share `NormShape`'s
// strides, and per-channel / per-inner vectors are dense.
#pragma once
#include <cstdint>

namespace tg {

struct NormShape {
  int64_t outer, channels, inner;
  int64_t outerStride, channelStride, innerStride;  // in elements
};

// Which index weight and bias follow: batch norm's channel or layer norm's inner element.
enum class AffineAxis : int32_t { Channel = 1, Inner = 2 };

// mean and biased variance per channel.
template <class T>
void normStats(const NormShape& s, const T* x, T* mean, T* var);

// y = (x - mean[c]) * invstd[c] * weight + bias (weight, bias may be null).
template <class T>
void normApply(const NormShape& s, const T* x, T* y, const T* mean, const T* invstd, const T* weight, const T* bias,
               AffineAxis axis);

// Batch norm's backward (weight and bias per channel). training: mean/invstd are the
// batch's, so the gradient flows through them too; otherwise they are constants (the
// running statistics). Any of dx, dw, db may be null (not wanted).
template <class T>
void batchNormBackward(const NormShape& s, const T* dy, const T* x, const T* mean, const T* invstd, const T* weight,
                       bool training, T* dx, T* dw, T* db);

// Layer norm's backward (weight and bias per inner element). Any output may be null.
template <class T>
void layerNormBackward(const NormShape& s, const T* dy, const T* x, const T* mean, const T* invstd, const T* weight,
                       T* dx, T* dw, T* db);

// The functions above for one element type, as compiled for one instruction set
// (kernels/norm_impl.h); the templates above forward to the active capability's table.
template <class T>
struct NormKernelsOf {
  void (*stats)(const NormShape&, const T*, T*, T*);
  void (*apply)(const NormShape&, const T*, T*, const T*, const T*, const T*, const T*, AffineAxis);
  void (*batchBackward)(const NormShape&, const T*, const T*, const T*, const T*, const T*, bool, T*, T*, T*);
  void (*layerBackward)(const NormShape&, const T*, const T*, const T*, const T*, const T*, T*, T*, T*);
};
struct NormKernels {
  NormKernelsOf<float> f32;
  NormKernelsOf<double> f64;
};

}  // namespace tg
