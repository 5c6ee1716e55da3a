// Pointwise kernels for one instruction set. Each kernels/cpu/pointwise_<isa>.cc defines
// TG_ISA_NS and includes this file once, under that ISA's compiler flags; the contiguous
// inner loops below are written so the compiler vectorises them for that ISA.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/thread_pool.h"
#include "kernels/pointwise_kinds.h"

#ifndef TG_ISA_NS
#error "define TG_ISA_NS before including pointwise_impl.h"
#endif

namespace tg {
namespace TG_ISA_NS {

#include "kernels/fast_exp.h"
#include "kernels/pointwise_ops.h"

#include "kernels/for_each.h"

// In place (out is the first input): one pointer for both. With two, GCC guards the
// vector loop by a check that the arrays do not overlap, which an in-place call fails, so
// it ran the scalar loop (mul_ of 4M floats: 332 us against PyTorch's 267).
template <class Out, class In, class Fn>
inline bool binaryInPlace(char** p, const int64_t* s, int64_t n, const Fn& fn) {
  if constexpr (std::is_same<Out, In>::value) {
    if (p[0] != p[1] || s[0] != int64_t(sizeof(Out)) || s[1] != s[0]) return false;
    Out* out = reinterpret_cast<Out*>(p[0]);
    if (s[2] == 0) {
      const In b = *reinterpret_cast<const In*>(p[2]);
      for (int64_t i = 0; i < n; i++) out[i] = fn(out[i], b);
      return true;
    }
    if (s[2] != s[0]) return false;
    const In* b = reinterpret_cast<const In*>(p[2]);
    if (b == out) return false;  // x.mul_(x): the general loop below is right for it
    for (int64_t i = 0; i < n; i++) out[i] = fn(out[i], b[i]);
    return true;
  } else {
    return false;
  }
}

// The contiguous loop in a function of its own, with the op passed by value: inlined into
// walkRuns, GCC ran out of registers and reloaded an operand pointer from the stack on
// every vector iteration (broadcast add (1000,1000)+(1000,) into out=, 1 thread: 98 us
// against 84 for the same loop compiled alone).
template <class Out, class In, class Fn>
[[gnu::noinline]] void binaryContiguous(Out* out, const In* a, const In* b, int64_t n, Fn fn) {
  for (int64_t i = 0; i < n; i++) out[i] = fn(a[i], b[i]);
}

template <class Out, class In, class Fn>
inline void binaryInner(char** p, const int64_t* s, int64_t n, const Fn& fn) {
  const int64_t so = sizeof(Out), si = sizeof(In);
  if (binaryInPlace<Out, In>(p, s, n, fn)) return;
  if (s[0] == so && s[1] == si && s[2] == si) {
    binaryContiguous(reinterpret_cast<Out*>(p[0]), reinterpret_cast<const In*>(p[1]), reinterpret_cast<const In*>(p[2]), n, fn);
  } else if (s[0] == so && s[1] == si && s[2] == 0) {
    Out* out = reinterpret_cast<Out*>(p[0]);
    const In* a = reinterpret_cast<const In*>(p[1]);
    const In b = *reinterpret_cast<const In*>(p[2]);
    for (int64_t i = 0; i < n; i++) out[i] = fn(a[i], b);
  } else if (s[0] == so && s[1] == 0 && s[2] == si) {
    Out* out = reinterpret_cast<Out*>(p[0]);
    const In a = *reinterpret_cast<const In*>(p[1]);
    const In* b = reinterpret_cast<const In*>(p[2]);
    for (int64_t i = 0; i < n; i++) out[i] = fn(a, b[i]);
  } else {
    char *o = p[0], *a = p[1], *b = p[2];
    for (int64_t i = 0; i < n; i++, o += s[0], a += s[1], b += s[2])
      *reinterpret_cast<Out*>(o) = fn(*reinterpret_cast<const In*>(a), *reinterpret_cast<const In*>(b));
  }
}

template <class Out, class In, class Fn>
inline void unaryInner(char** p, const int64_t* s, int64_t n, const Fn& fn) {
  if constexpr (std::is_same<Out, In>::value) {
    if (p[0] == p[1] && s[0] == int64_t(sizeof(Out)) && s[1] == s[0]) {  // in place, as binaryInPlace
      Out* out = reinterpret_cast<Out*>(p[0]);
      for (int64_t i = 0; i < n; i++) out[i] = fn(out[i]);
      return;
    }
  }
  if (s[0] == int64_t(sizeof(Out)) && s[1] == int64_t(sizeof(In))) {
    Out* out = reinterpret_cast<Out*>(p[0]);
    const In* a = reinterpret_cast<const In*>(p[1]);
    for (int64_t i = 0; i < n; i++) out[i] = fn(a[i]);
  } else {
    char *o = p[0], *a = p[1];
    for (int64_t i = 0; i < n; i++, o += s[0], a += s[1])
      *reinterpret_cast<Out*>(o) = fn(*reinterpret_cast<const In*>(a));
  }
}

template <BinaryOp kOp, class T>
void runBinary(StridedLoop& loop, double alpha, KernelStatus& status) {
  using Fn = BinaryFn<kOp, T>;
  Fn fn{castValue<T>(alpha), &status};
  forEach(loop, [&](char** p, const int64_t* s, int64_t n) { binaryInner<typename Fn::Out, T>(p, s, n, fn); });
}

template <UnaryOp kOp, class T>
void runUnary(StridedLoop& loop, double p1, double p2) {
  using Fn = UnaryFn<kOp, T>;
  Fn fn{castValue<T>(p1), castValue<T>(p2)};
  forEach(loop, [&](char** p, const int64_t* s, int64_t n) { unaryInner<typename Fn::Out, T>(p, s, n, fn); });
}

// Run-time op code -> compile-time op, for every op code from 0 to Count.
template <class T, int kIndex = 0>
void binaryByCode(BinaryOp op, StridedLoop& loop, double alpha, KernelStatus& status) {
  if constexpr (kIndex < int(BinaryOp::Count)) {
    if (int(op) == kIndex) return runBinary<BinaryOp(kIndex), T>(loop, alpha, status);
    return binaryByCode<T, kIndex + 1>(op, loop, alpha, status);
  }
}

template <class T, int kIndex = 0>
void unaryByCode(UnaryOp op, StridedLoop& loop, double p1, double p2) {
  if constexpr (kIndex < int(UnaryOp::Count)) {
    if (int(op) == kIndex) return runUnary<UnaryOp(kIndex), T>(loop, p1, p2);
    return unaryByCode<T, kIndex + 1>(op, loop, p1, p2);
  }
}

void binaryKernel(BinaryOp op, DType dtype, StridedLoop& loop, double alpha, KernelStatus& status) {
  TG_DISPATCH(dtype, T, binaryByCode<T>(op, loop, alpha, status));
}

void unaryKernel(UnaryOp op, DType dtype, StridedLoop& loop, double p1, double p2, KernelStatus& status) {
  TG_DISPATCH(dtype, T, unaryByCode<T>(op, loop, p1, p2));
}

template <class Out, class Src>
void runCopy(StridedLoop& loop) {
  forEach(loop, [](char** p, const int64_t* s, int64_t n) {
    if constexpr (std::is_same<Out, Src>::value) {
      if (s[0] == int64_t(sizeof(Out)) && s[1] == int64_t(sizeof(Src))) {
        std::memmove(p[0], p[1], size_t(n) * sizeof(Out));
        return;
      }
    }
    unaryInner<Out, Src>(p, s, n, [](Src v) { return castValue<Out>(v); });
  });
}

void copyKernel(DType outType, DType srcType, StridedLoop& loop) {
  TG_DISPATCH(outType, Out, TG_DISPATCH(srcType, Src, runCopy<Out, Src>(loop)));
}

template <class T>
void runWhere(StridedLoop& loop) {
  forEach(loop, [](char** p, const int64_t* s, int64_t n) {
    if (s[0] == int64_t(sizeof(T)) && s[1] == 1 && s[2] == int64_t(sizeof(T)) && s[3] == int64_t(sizeof(T))) {
      T* out = reinterpret_cast<T*>(p[0]);
      const bool* cond = reinterpret_cast<const bool*>(p[1]);
      const T* a = reinterpret_cast<const T*>(p[2]);
      const T* b = reinterpret_cast<const T*>(p[3]);
      for (int64_t i = 0; i < n; i++) out[i] = cond[i] ? a[i] : b[i];
      return;
    }
    char *o = p[0], *c = p[1], *a = p[2], *b = p[3];
    for (int64_t i = 0; i < n; i++, o += s[0], c += s[1], a += s[2], b += s[3])
      *reinterpret_cast<T*>(o) = *reinterpret_cast<const bool*>(c) ? *reinterpret_cast<const T*>(a)
                                                                    : *reinterpret_cast<const T*>(b);
  });
}

void whereKernel(DType dtype, StridedLoop& loop) { TG_DISPATCH(dtype, T, runWhere<T>(loop)); }

template <class T>
void runFill(StridedLoop& loop, double value) {
  const T v = castValue<T>(value);
  forEach(loop, [v](char** p, const int64_t* s, int64_t n) {
    if (s[0] == int64_t(sizeof(T))) {
      T* out = reinterpret_cast<T*>(p[0]);
      for (int64_t i = 0; i < n; i++) out[i] = v;
    } else {
      char* o = p[0];
      for (int64_t i = 0; i < n; i++, o += s[0]) *reinterpret_cast<T*>(o) = v;
    }
  });
}

void fillKernel(DType dtype, StridedLoop& loop, double value) { TG_DISPATCH(dtype, T, runFill<T>(loop, value)); }

extern const PointwiseKernels kPointwiseKernels;
const PointwiseKernels kPointwiseKernels = {binaryKernel, unaryKernel, copyKernel, whereKernel, fillKernel};

}  // namespace TG_ISA_NS
}  // namespace tg
