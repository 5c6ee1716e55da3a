// Reduction and along-dim kernels for one instruction set. Each kernels/cpu/reduce_<isa>.cc
// defines TG_ISA_NS and includes this file once under that ISA's flags: the reductions'
// inner loops are plain loops over lane arrays (reduce_lanes.h) that GCC vectorises at each
// ISA's width, which is why they live in an ISA table rather than in `common` (the default
// build alone would give SSE2 loops to AVX-512 machines).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>

#include "core/thread_pool.h"
#include "kernels/reduce_kinds.h"

#ifndef TG_ISA_NS
#error "define TG_ISA_NS before including reduce_impl.h"
#endif

namespace tg {
namespace TG_ISA_NS {

#include "kernels/fast_exp.h"
#include "kernels/reduce_lanes.h"
#include "kernels/for_each.h"
#include "kernels/reduce_walk.h"
#include "kernels/reducers.h"
#include "kernels/along_dim.h"

// Below ~32K elements a second thread costs more than it saves (as the pointwise grain).
constexpr int64_t kReduceGrain = 32768;
// Accumulators of one column tile: 16 KiB keeps them in L1 next to the rows streamed in.
constexpr size_t kTileBytes = 16384;

// Reducers with run lanes (sums) take the path below when each output's input is many
// contiguous runs shorter than this.
constexpr int64_t kShortRun = 1024;
// Outputs whose lanes are kept at once: 256 x 64 bytes stay in L1.
constexpr int64_t kRunTile = 256;
template <class R, class = void>
struct hasRunLanes : std::false_type {};
template <class R>
struct hasRunLanes<R, std::void_t<typename R::Lanes>> : std::true_type {};

// n outputs (kept stride s[0] apart in the input) whose input is many short contiguous runs:
// the sum over N, H and W of an NCHW tensor that every convolution's bias gradient takes
// (issue 9's shape C: 32 runs of 196 floats per channel, 200 KB apart). Walking each
// output's runs in turn jumps across the whole tensor and folds 64 lanes per run; here the
// outputs' runs at one reduced position are read together, in memory order, each added to
// its output's lanes. Sum over [0, 2, 3] at 1 thread: (32, 256, 14, 14) 255 -> 120 us,
// (64, 32, 24, 24) 90 -> 58-68 us (PyTorch: 122 and 70).
template <class R>
void reduceShortRuns(const ReducePlan& plan, const R& r, char* const* p, const int64_t* s, int64_t n) {
  using Acc = typename R::Acc;
  typename R::Lanes lanes[kRunTile];
  Acc acc[kRunTile];
  char* outs[kMaxOperands];
  const int nouts = plan.kept.nops - 1;
  for (int64_t t = 0; t < n; t += kRunTile) {
    const int64_t m = std::min(kRunTile, n - t);
    for (int64_t j = 0; j < m; j++) {
      acc[j] = r.identity();
      R::clear(lanes[j]);
    }
    int64_t pending = 0;
    walkReduced(plan, p[0] + t * s[0], 0, plan.reduceSize, [&](const char* q, int64_t, int64_t len, int64_t) {
      for (int64_t j = 0; j < m; j++) R::addRun(lanes[j], q + j * s[0], len);
      pending += len;
      if (pending >= kSumBlock) {
        for (int64_t j = 0; j < m; j++) R::fold(acc[j], lanes[j]);
        pending = 0;
      }
    });
    for (int64_t j = 0; j < m; j++) {
      R::fold(acc[j], lanes[j]);
      for (int k = 0; k < nouts; k++) outs[k] = p[k + 1] + (t + j) * s[k + 1];
      r.store(outs, acc[j]);
    }
  }
}

// Output positions [begin, end) of the kept loop, each reduced over all its positions.
// When the kept dim innermost in the input is contiguous, a tile of outputs is folded one
// input row at a time (columns(): a vector across outputs, as for a sum over dim 0);
// otherwise each output walks its own elements (row(): a vector along the row).
template <class R>
void reduceOutputs(const ReducePlan& plan, const R& r, int64_t begin, int64_t end) {
  using Acc = typename R::Acc;
  constexpr int64_t kTile = std::max<int64_t>(64, int64_t(kTileBytes / sizeof(Acc)));
  constexpr int64_t kItem = int64_t(sizeof(typename R::In));
  const int nouts = plan.kept.nops - 1;
  walkRuns(plan.kept, begin, end, [&](char* const* p, const int64_t* s, int64_t n) {
    char* outs[kMaxOperands];
    if (R::kColumns && s[0] == kItem && n > 1) {
      Acc acc[kTile];
      for (int64_t t = 0; t < n; t += kTile) {
        const int64_t m = std::min(kTile, n - t);
        for (int64_t j = 0; j < m; j++) acc[j] = r.identity();
        walkReduced(plan, p[0] + t * kItem, 0, plan.reduceSize,
                    [&](const char* q, int64_t stride, int64_t len, int64_t position) { r.columns(acc, q, stride, len, m, position); });
        for (int64_t j = 0; j < m; j++) {
          for (int k = 0; k < nouts; k++) outs[k] = p[k + 1] + (t + j) * s[k + 1];
          r.store(outs, acc[j]);
        }
      }
      return;
    }
    if constexpr (hasRunLanes<R>::value) {
      if (plan.reducedDims > 1 && plan.reducedStrides[0] == kItem && plan.reducedShape[0] < kShortRun) {
        reduceShortRuns(plan, r, p, s, n);
        return;
      }
    }
    for (int64_t i = 0; i < n; i++) {
      Acc acc = r.identity();
      walkReduced(plan, p[0] + i * s[0], 0, plan.reduceSize,
                  [&](const char* q, int64_t stride, int64_t len, int64_t position) { r.row(acc, q, stride, len, position); });
      for (int k = 0; k < nouts; k++) outs[k] = p[k + 1] + i * s[k + 1];
      r.store(outs, acc);
    }
  });
}

template <class R>
void runReduce(const ReducePlan& plan, const R& r) {
  using Acc = typename R::Acc;
  const int64_t outputs = plan.kept.numel();
  if (outputs == 0) return;
  const int64_t size = std::max<int64_t>(plan.reduceSize, 1);
  const int64_t threads = getNumThreads();
  const int64_t work = outputs * size;
  if (outputs >= 2 * threads || work < 2 * kReduceGrain) {
    parallelFor(outputs, (kReduceGrain + size - 1) / size,
                [&](int64_t begin, int64_t end) { reduceOutputs(plan, r, begin, end); });
    return;
  }
  // Few outputs, each a long reduction (a full sum): split the reduced positions, fold
  // each piece into its own partial results, and merge them in order.
  const int64_t pieces = std::min(threads, work / kReduceGrain);
  const int nouts = plan.kept.nops - 1;
  // Not std::vector: vector<bool> (amax of bool) has no data().
  std::unique_ptr<Acc[]> partial(new Acc[size_t(pieces * outputs)]);
  for (int64_t i = 0; i < pieces * outputs; i++) partial[size_t(i)] = r.identity();
  parallelFor(pieces, 1, [&](int64_t first, int64_t last) {
    for (int64_t piece = first; piece < last; piece++) {
      const int64_t from = plan.reduceSize * piece / pieces, to = plan.reduceSize * (piece + 1) / pieces;
      Acc* acc = partial.get() + piece * outputs;
      walkRuns(plan.kept, 0, outputs, [&](char* const* p, const int64_t* s, int64_t n) {
        for (int64_t i = 0; i < n; i++, acc++)
          walkReduced(plan, p[0] + i * s[0], from, to,
                      [&](const char* q, int64_t stride, int64_t len, int64_t position) { r.row(*acc, q, stride, len, position); });
      });
    }
  });
  int64_t o = 0;
  walkRuns(plan.kept, 0, outputs, [&](char* const* p, const int64_t* s, int64_t n) {
    char* outs[kMaxOperands];
    for (int64_t i = 0; i < n; i++, o++) {
      Acc acc = partial[size_t(o)];
      for (int64_t piece = 1; piece < pieces; piece++) r.merge(acc, partial[size_t(piece * outputs + o)]);
      for (int k = 0; k < nouts; k++) outs[k] = p[k + 1] + i * s[k + 1];
      r.store(outs, acc);
    }
  });
}

// ---- dispatch ---------------------------------------------------------------------------
template <class T, SumLoad kLoad, class Out, SumFinish kFinish>
void runSum(const ReducePlan& plan) {
  runReduce(plan, SumReducer<T, kLoad, Out, kFinish>{plan.reduceSize});
}

template <class T>
void reduceFloating(ReduceOp op, const ReducePlan& plan, double p) {
  const int64_t count = plan.reduceSize;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  switch (op) {
    case ReduceOp::Mean: return runSum<T, SumLoad::Value, T, SumFinish::Mean>(plan);
    case ReduceOp::Var:
    case ReduceOp::Std: return runReduce(plan, VarReducer<T>{p, op == ReduceOp::Std});
    case ReduceOp::LogSumExp: return runReduce(plan, LogSumExpReducer<T>{});
    case ReduceOp::Norm:
      if (p == 2) return runSum<T, SumLoad::Square, T, SumFinish::Sqrt>(plan);
      if (p == 1) return runSum<T, SumLoad::Abs, T, SumFinish::Value>(plan);
      if (p == 0) return runSum<T, SumLoad::Nonzero, T, SumFinish::Value>(plan);
      if (p == kInf) return runReduce(plan, ExtremeReducer<T, true, true>{count});
      if (p == -kInf) return runReduce(plan, ExtremeReducer<T, false, true>{count});
      return runReduce(plan, NormPReducer<T>{p});
    default: return;
  }
}

template <class T>
void reduceKernel(ReduceOp op, const ReducePlan& plan, double p) {
  using SumOut = std::conditional_t<kFloating<T>, T, int64_t>;
  switch (op) {
    case ReduceOp::Sum: return runSum<T, SumLoad::Value, SumOut, SumFinish::Value>(plan);
    case ReduceOp::Prod: return runReduce(plan, ProdReducer<T>{});
    case ReduceOp::Amax: return runReduce(plan, ExtremeReducer<T, true, false>{plan.reduceSize});
    case ReduceOp::Amin: return runReduce(plan, ExtremeReducer<T, false, false>{plan.reduceSize});
    case ReduceOp::All: return runSum<T, SumLoad::Zero, bool, SumFinish::IsZero>(plan);
    case ReduceOp::Any: return runSum<T, SumLoad::Nonzero, bool, SumFinish::IsNonzero>(plan);
    case ReduceOp::CountNonzero: return runSum<T, SumLoad::Nonzero, int64_t, SumFinish::Value>(plan);
    default:
      if constexpr (kFloating<T>) reduceFloating<T>(op, plan, p);
      return;
  }
}

void reduce(ReduceOp op, DType input, const ReducePlan& plan, double p) {
  TG_DISPATCH(input, T, reduceKernel<T>(op, plan, p));
}

void argReduce(ArgReduceOp op, DType input, const ReducePlan& plan) {
  if (op == ArgReduceOp::Max) TG_DISPATCH(input, T, runReduce(plan, ArgReducer<T, true>{}))
  else TG_DISPATCH(input, T, runReduce(plan, ArgReducer<T, false>{}))
}

template <class T>
void dimOpKernel(DimOp op, const DimPlan& plan) {
  switch (op) {
    case DimOp::Cumsum: return runScan<T, false>(plan);
    case DimOp::Cumprod: return runScan<T, true>(plan);
    case DimOp::Softmax:
      if constexpr (kFloating<T>) runSoftmax<T, false>(plan);
      return;
    case DimOp::LogSoftmax:
      if constexpr (kFloating<T>) runSoftmax<T, true>(plan);
      return;
    case DimOp::SoftmaxBackward:
      if constexpr (kFloating<T>) runSoftmaxBackward<T, false>(plan);
      return;
    case DimOp::LogSoftmaxBackward:
      if constexpr (kFloating<T>) runSoftmaxBackward<T, true>(plan);
      return;
    default: return;
  }
}

void dimOp(DimOp op, DType input, const DimPlan& plan) { TG_DISPATCH(input, T, dimOpKernel<T>(op, plan)); }

extern const ReduceKernels kReduceKernels;
const ReduceKernels kReduceKernels = {reduce, argReduce, dimOp};

}  // namespace TG_ISA_NS
}  // namespace tg
