// The BLIS-style GEMM driver, compiled once per ISA. The including file defines
// TG_ISA_NS and, inside tg::TG_ISA_NS, the specialisations Micro<float> and Micro<double>:
//   kMR, kNR        register tile (rows broadcast from packed A, columns loaded from B)
//   kKC, kMC, kNC   cache blocks: a kc x NR panel of packed B is reused for all MC rows
//                   (from L1 or L2) while MC x KC of packed A streams from L2, and
//                   KC x NC of packed B sits in L2/L3
//   kSmallWork      up to this many multiply-adds A is read in place, unpacked
//   tile<rows, packedA>(kc, a, rsa, csa, b, rsb, c, rsc, alpha, beta)
//                   c[i][0..NR) = alpha * sum_p a[i*rsa + p*csa] * b[p*rsb + 0..NR) + beta * c
//                   for i < rows; beta == 0 never reads c. packedA: rsa = 1, csa = MR.
//   packA / packB   as gemm_pack.h's portable versions, possibly with faster paths
// and then includes this file, which defines gemmFloat32 / gemmFloat64 (gemm.h).
#ifndef TG_ISA_NS
#error "define TG_ISA_NS before including gemm_driver.h"
#endif

#include <array>
#include <cstdint>
#include <utility>

#include "core/thread_pool.h"
#include "kernels/gemm/gemm.h"
#include "kernels/gemm/gemm_scratch.h"

namespace tg {
namespace TG_ISA_NS {
namespace {

// Below this many multiply-adds a product runs on one thread: splitting it would cost
// more in wake-up and duplicated packing than the second core gives back.
constexpr int64_t kParallelWork = int64_t(96) * 96 * 96;
// gemv splits rows across threads above this many multiply-adds.
constexpr int64_t kParallelGemvWork = int64_t(1) << 17;

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

template <class T>
struct Gemm2D {
  int64_t m, n, k;
  T alpha, beta;
  const T* a;
  int64_t rsa, csa;
  const T* b;
  int64_t rsb, csb;
  T* c;
  int64_t rsc, csc;
};

// The same product as C^T = B^T A^T: C's transpose, from the transposed operands swapped.
template <class T>
Gemm2D<T> transposedProblem(const Gemm2D<T>& g) {
  return Gemm2D<T>{g.n, g.m, g.k, g.alpha, g.beta, g.b, g.csb, g.rsb, g.a, g.csa, g.rsa, g.c, g.csc, g.rsc};
}

template <class T>
T* scratch(GemmBuffer slot, int64_t elements) {
  return static_cast<T*>(gemmScratch(slot, size_t(elements) * sizeof(T)));
}

// ---- micro-kernel dispatch by row count ---------------------------------------------

template <class T>
using TileFn = void (*)(int64_t, const T*, int64_t, int64_t, const T*, int64_t, T*, int64_t, T, T);

template <class T, bool kPackedA, bool kNarrow, size_t... I>
constexpr std::array<TileFn<T>, sizeof...(I)> makeTileTable(std::index_sequence<I...>) {
  return {{&Micro<T>::template tile<int(I) + 1, kPackedA, kNarrow>...}};
}

// tileFns<T, packed, narrow>()[rows - 1] computes a rows x NR tile (rows x NR / 2: narrow).
template <class T, bool kPackedA, bool kNarrow>
const TileFn<T>* tileFns() {
  static constexpr auto table = makeTileTable<T, kPackedA, kNarrow>(std::make_index_sequence<Micro<T>::kMR>());
  return table.data();
}

// One rows x cols tile of C. A full-width tile of a row-major C is written by the
// micro-kernel itself; an edge tile or a strided C goes through a small buffer, so the
// kernel never writes outside C. Up to NR / 2 columns take the narrow kernel: half the FMAs.
template <class T, bool kPackedA>
inline void runTile(int rows, int64_t cols, int64_t kc, const T* a, int64_t rsa, int64_t csa, const T* b, int64_t rsb,
                    T* c, int64_t rsc, int64_t csc, T alpha, T beta) {
  constexpr int NR = Micro<T>::kNR;
  const bool narrow = cols <= NR / 2;
  const TileFn<T> fn = (narrow ? tileFns<T, kPackedA, true>() : tileFns<T, kPackedA, false>())[rows - 1];
  if ((cols == NR || cols == NR / 2) && csc == 1) return fn(kc, a, rsa, csa, b, rsb, c, rsc, alpha, beta);
  alignas(64) T buffer[Micro<T>::kMR * NR];
  fn(kc, a, rsa, csa, b, rsb, buffer, NR, alpha, T(0));
  if (rsc == 1) {
    // C's columns are contiguous (a product computed transposed): write each whole, a
    // cache line or two, rather than one element of every column per row.
    for (int64_t j = 0; j < cols; j++) {
      T* column = c + j * csc;
      if (beta == T(0)) {
        for (int i = 0; i < rows; i++) column[i] = buffer[i * NR + j];
      } else {
        for (int i = 0; i < rows; i++) column[i] = buffer[i * NR + j] + beta * column[i];
      }
    }
    return;
  }
  for (int i = 0; i < rows; i++) {
    T* row = c + i * rsc;
    const T* src = buffer + i * NR;
    if (beta == T(0)) {
      for (int64_t j = 0; j < cols; j++) row[j * csc] = src[j];
    } else {
      for (int64_t j = 0; j < cols; j++) row[j * csc] = src[j] + beta * row[j * csc];
    }
  }
}

// C = beta * C (K = 0 or alpha = 0); beta = 0 writes zeros without reading C, as BLAS.
template <class T>
void scaleC(const Gemm2D<T>& g) {
  for (int64_t i = 0; i < g.m; i++) {
    T* row = g.c + i * g.rsc;
    for (int64_t j = 0; j < g.n; j++) row[j * g.csc] = g.beta == T(0) ? T(0) : g.beta * row[j * g.csc];
  }
}

// ---- matrix-vector: y = alpha * M x + beta * y ------------------------------------------

// Lane-wise partial sums, so the compiler vectorises without reassociating (no -ffast-math).
template <class T>
inline T dotContiguous(const T* a, const T* b, int64_t n) {
  constexpr int kLanes = 128 / sizeof(T);
  T acc[kLanes] = {};
  int64_t p = 0;
  for (; p + kLanes <= n; p += kLanes)
    for (int l = 0; l < kLanes; l++) acc[l] += a[p + l] * b[p + l];
  T sum = T(0);
  for (; p < n; p++) sum += a[p] * b[p];
  for (int l = 0; l < kLanes; l++) sum += acc[l];
  return sum;
}

template <class T>
inline void storeScaled(T* y, T value, T alpha, T beta) {
  *y = beta == T(0) ? alpha * value : alpha * value + beta * *y;
}

// Rows [r0, r1) of y = alpha * M x + beta * y; M is rows x len with strides (rs, cs).
template <class T>
void gemvRows(int64_t r0, int64_t r1, int64_t len, T alpha, const T* mat, int64_t rs, int64_t cs, const T* x,
              int64_t incx, T beta, T* y, int64_t incy) {
  if (cs == 1 || len == 1) {
    // Each row is a contiguous dot product; a strided x is gathered once.
    const T* xc = x;
    if (incx != 1 && len > 1) {
      T* gathered = scratch<T>(GemmBuffer::PackedB, len);
      for (int64_t p = 0; p < len; p++) gathered[p] = x[p * incx];
      xc = gathered;
    }
    for (int64_t i = r0; i < r1; i++) storeScaled(y + i * incy, dotContiguous(mat + i * rs, xc, len), alpha, beta);
    return;
  }
  // Column-oriented: y_chunk += x[p] * M[chunk, p]; chunks keep the partial sums in L1.
  constexpr int64_t kChunk = 2048;
  T* acc = scratch<T>(GemmBuffer::PackedA, kChunk);
  for (int64_t i0 = r0; i0 < r1; i0 += kChunk) {
    const int64_t rows = r1 - i0 < kChunk ? r1 - i0 : kChunk;
    for (int64_t i = 0; i < rows; i++) acc[i] = T(0);
    for (int64_t p = 0; p < len; p++) {
      const T xv = x[p * incx];
      const T* col = mat + i0 * rs + p * cs;
      if (rs == 1) {
        for (int64_t i = 0; i < rows; i++) acc[i] += xv * col[i];
      } else {
        for (int64_t i = 0; i < rows; i++) acc[i] += xv * col[i * rs];
      }
    }
    for (int64_t i = 0; i < rows; i++) storeScaled(y + (i0 + i) * incy, acc[i], alpha, beta);
  }
}

template <class T>
void gemv(int64_t rows, int64_t len, T alpha, const T* mat, int64_t rs, int64_t cs, const T* x, int64_t incx, T beta,
          T* y, int64_t incy, bool allowThreads) {
  auto body = [&](int64_t r0, int64_t r1) { gemvRows(r0, r1, len, alpha, mat, rs, cs, x, incx, beta, y, incy); };
  if (allowThreads && rows * len >= kParallelGemvWork && rows >= 64)
    parallelFor(rows, ceilDiv(kParallelGemvWork, len) < 16 ? 16 : ceilDiv(kParallelGemvWork, len), body);
  else
    body(0, rows);
}

// ---- matrix-matrix ------------------------------------------------------------------

// Small products: no packing of A (read in place through its strides); B is read in
// place when its rows are contiguous, else packed (a transposed B is cheap to pack
// at this size and makes every load a full vector).
template <class T>
void gemmSmall(const Gemm2D<T>& g) {
  constexpr int MR = Micro<T>::kMR, NR = Micro<T>::kNR;
  const bool directB = g.csb == 1;
  T* packedB = nullptr;
  if (!directB) {
    packedB = scratch<T>(GemmBuffer::PackedB, roundUp(g.n, NR) * g.k);
    Micro<T>::packB(packedB, g.b, g.rsb, g.csb, g.k, g.n);
  }
  for (int64_t j0 = 0; j0 < g.n; j0 += NR) {
    const int64_t cols = g.n - j0 < NR ? g.n - j0 : NR;
    const T* bPanel;
    int64_t bRowStride = NR;
    if (!directB) {
      bPanel = packedB + (j0 / NR) * g.k * NR;
    } else if (cols == NR) {
      bPanel = g.b + j0;
      bRowStride = g.rsb;
    } else {
      // The last, partial column panel is padded so full-vector loads stay inside B.
      T* edge = scratch<T>(GemmBuffer::PackedB, g.k * NR);
      Micro<T>::packB(edge, g.b + j0, g.rsb, 1, g.k, cols);
      bPanel = edge;
    }
    for (int64_t i0 = 0; i0 < g.m; i0 += MR) {
      const int rows = int(g.m - i0 < MR ? g.m - i0 : MR);
      runTile<T, false>(rows, cols, g.k, g.a + i0 * g.rsa, g.rsa, g.csa, bPanel, bRowStride,
                        g.c + i0 * g.rsc + j0 * g.csc, g.rsc, g.csc, g.alpha, g.beta);
    }
  }
}

// Up to this many rows of A, gemmBlocked reads a B with contiguous rows in place
// (measured, out= at 1 thread: 128^3 43.0 -> 39.5 us, 64x784 @ 784x256 252 -> 230 us,
// 96x1000 @ 1000x1000 1.97 -> 1.83 ms; from 256 rows on, no gain).
constexpr int64_t kDirectBMaxRows = 128;

// The five loops of BLIS: NC columns of B, KC of the inner dimension (B block packed),
// MC rows of A (A block packed), then NR x MR register tiles.
template <class T>
void gemmBlocked(const Gemm2D<T>& g) {
  using K = Micro<T>;
  constexpr int MR = K::kMR, NR = K::kNR;
  // Blocks of equal size: a ragged last block (a few k, or a few rows) would cost a
  // whole extra pass over C for little work.
  const int64_t kc0 = ceilDiv(g.k, ceilDiv(g.k, K::kKC));
  const int64_t mc0 = roundUp(ceilDiv(g.m, ceilDiv(g.m, K::kMC)), MR);
  const int64_t nc0 = roundUp(ceilDiv(g.n, ceilDiv(g.n, K::kNC)), NR);
  T* packedA = scratch<T>(GemmBuffer::PackedA, mc0 * kc0);
  T* packedB = scratch<T>(GemmBuffer::PackedB, nc0 * kc0);
  for (int64_t jc = 0; jc < g.n; jc += nc0) {
    const int64_t nc = g.n - jc < nc0 ? g.n - jc : nc0;
    for (int64_t pc = 0; pc < g.k; pc += kc0) {
      const int64_t kc = g.k - pc < kc0 ? g.k - pc : kc0;
      const T beta = pc == 0 ? g.beta : T(1);
      const T* bBlock = g.b + pc * g.rsb + jc * g.csb;
      // Few rows of A: each B panel serves only a few tiles, so a B with contiguous rows is
      // read in place (only a partial last panel is packed, padded) instead of copied.
      const bool directB = g.csb == 1 && g.m <= kDirectBMaxRows;
      if (!directB) K::packB(packedB, bBlock, g.rsb, g.csb, kc, nc);
      else if (nc % NR != 0) K::packB(packedB, bBlock + (nc / NR) * NR, g.rsb, 1, kc, nc % NR);
      for (int64_t ic = 0; ic < g.m; ic += mc0) {
        const int64_t mc = g.m - ic < mc0 ? g.m - ic : mc0;
        K::packA(packedA, g.a + ic * g.rsa + pc * g.csa, g.rsa, g.csa, mc, kc);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          const int64_t cols = nc - jr < NR ? nc - jr : NR;
          const bool inPlace = directB && cols == NR;
          const T* bPanel = inPlace ? bBlock + jr : directB ? packedB : packedB + (jr / NR) * kc * NR;
          const int64_t bStride = inPlace ? g.rsb : NR;
          T* cColumn = g.c + ic * g.rsc + (jc + jr) * g.csc;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const int rows = int(mc - ir < MR ? mc - ir : MR);
            runTile<T, true>(rows, cols, kc, packedA + (ir / MR) * kc * MR, 1, MR, bPanel, bStride, cColumn + ir * g.rsc,
                             g.rsc, g.csc, g.alpha, beta);
          }
        }
      }
    }
  }
}

// x @ W^T with few rows of x (Linear's forward): B is a transposed view, which either path
// above must transpose into panels, all k x n of it, for only a few row tiles. The same
// product as C^T = B^T A^T reads W's rows in place as its A and transposes x (m x k)
// instead; C^T's rows are C's columns, written column by column through the edge buffer.
// That pays when the transposing saved, k * (n - m) elements, is at least the m * n
// elements of C, and m fills whole column panels of C^T (at 1 thread, x @ W^T into out=:
// 64x784 @ 784x256 270 -> 242 us, 32x784 @ 784x256 151 -> 123 us, 64x512 @ 512x512 345 ->
// 316 us, 64x256 @ 256x128 46.5 -> 45; 16x1024 @ 1024x1024, with half-empty panels, went
// 588 -> 860 us, which the test leaves out).
template <class T>
bool transposedIsCheaper(const Gemm2D<T>& g) {
  return g.csb != 1 && g.rsb == 1 && g.csa == 1 && g.m <= kDirectBMaxRows && g.m % Micro<T>::kNR == 0 &&
         g.k * (g.n - g.m) >= g.m * g.n;
}

template <class T>
void gemmSerial(const Gemm2D<T>& g) {
  if (transposedIsCheaper(g))
    return gemmSmall(transposedProblem(g));
  if (g.m * g.n * g.k <= Micro<T>::kSmallWork) gemmSmall(g);
  else gemmBlocked(g);
}

// Splits C into one block of rows (or of columns, whichever balances better in whole
// register tiles) per thread; each runs the serial algorithm with its own buffers.
template <class T>
void gemmThreaded(const Gemm2D<T>& g, int threads) {
  constexpr int MR = Micro<T>::kMR, NR = Micro<T>::kNR;
  const int64_t mPanels = ceilDiv(g.m, MR), nPanels = ceilDiv(g.n, NR);
  const bool splitRows = ceilDiv(mPanels, threads) * MR * g.n <= ceilDiv(nPanels, threads) * NR * g.m;
  const int64_t panels = splitRows ? mPanels : nPanels;
  if (panels < threads) threads = int(panels);
  parallelFor(threads, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const int64_t first = panels * t / threads, last = panels * (t + 1) / threads;
      Gemm2D<T> part = g;
      if (splitRows) {
        const int64_t r0 = first * MR, r1 = last * MR < g.m ? last * MR : g.m;
        part.m = r1 - r0;
        part.a += r0 * g.rsa;
        part.c += r0 * g.rsc;
      } else {
        const int64_t c0 = first * NR, c1 = last * NR < g.n ? last * NR : g.n;
        part.n = c1 - c0;
        part.b += c0 * g.csb;
        part.c += c0 * g.csc;
      }
      if (part.m > 0 && part.n > 0) gemmSerial(part);
    }
  });
}

template <class T>
void gemmMatrix(Gemm2D<T> g, bool allowThreads) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0 || g.alpha == T(0)) return scaleC(g);
  if (g.n == 1) return gemv(g.m, g.k, g.alpha, g.a, g.rsa, g.csa, g.b, g.rsb, g.beta, g.c, g.rsc, allowThreads);
  if (g.m == 1) return gemv(g.n, g.k, g.alpha, g.b, g.csb, g.rsb, g.a, g.csa, g.beta, g.c, g.csc, allowThreads);
  if (g.csc != 1 && g.rsc == 1) {
    // A column-major C: compute C^T = B^T A^T, whose rows are contiguous.
    g = transposedProblem(g);
  }
  if (g.k == 1) g.csa = 1;  // never stepped; lets packing take its contiguous path
  const int threads = allowThreads && g.m * g.n * g.k >= kParallelWork ? getNumThreads() : 1;
  if (threads > 1) gemmThreaded(g, threads);
  else gemmSerial(g);
}

template <class T>
void gemmBatch(const GemmProblem& p) {
  const T* a = reinterpret_cast<const T*>(p.a.data);
  const T* b = reinterpret_cast<const T*>(p.b.data);
  T* c = reinterpret_cast<T*>(p.c.data);
  const Gemm2D<T> base{p.m,         p.n,         p.k, T(p.alpha), T(p.beta), a, p.a.rowStride, p.a.colStride, b,
                       p.b.rowStride, p.b.colStride, c, p.c.rowStride, p.c.colStride};
  auto item = [&](int64_t i) {
    Gemm2D<T> g = base;
    g.a += i * p.a.batchStride;
    g.b += i * p.b.batchStride;
    g.c += i * p.c.batchStride;
    return g;
  };
  const int threads = getNumThreads();
  const bool batchParallel = threads > 1 && p.batch > 1 && p.batch * p.m * p.n * p.k >= kParallelWork &&
                             (p.batch % threads == 0 || p.batch >= 4 * threads);
  if (batchParallel) {
    parallelFor(p.batch, 1, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; i++) gemmMatrix(item(i), false);
    });
  } else {
    for (int64_t i = 0; i < p.batch; i++) gemmMatrix(item(i), true);
  }
}

}  // namespace

void gemmFloat32(const GemmProblem& p) { gemmBatch<float>(p); }
void gemmFloat64(const GemmProblem& p) { gemmBatch<double>(p); }

}  // namespace TG_ISA_NS
}  // namespace tg
