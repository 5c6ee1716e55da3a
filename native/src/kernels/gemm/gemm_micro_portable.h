// The register-tile micro-kernel in plain C++ for the default (SSE2 baseline) build:
// fixed-size loops the compiler unrolls and vectorises, the accumulators small enough
// (MR x NR = 32 floats or 16 doubles, 8 xmm registers) to stay in registers. Included
// inside an ISA's namespace, like gemm_micro_simd.h.

template <class T, int MR, int NR>
struct PortableTile {
  static constexpr int kMR = MR, kNR = NR;

  // kNarrow: only the first NR / 2 columns (a last column panel at most half full).
  template <int kRows, bool kPackedA, bool kNarrow = false>
  static void tile(int64_t kc, const T* a, int64_t rsa, int64_t csa, const T* b, int64_t rsb, T* c, int64_t rsc,
                   T alpha, T beta) {
    constexpr int kCols = kNarrow ? NR / 2 : NR;
    T acc[kRows][kCols] = {};
    const int64_t rs = kPackedA ? 1 : rsa;
    const int64_t cs = kPackedA ? MR : csa;
    for (int64_t p = 0; p < kc; p++) {
      for (int i = 0; i < kRows; i++) {
        const T ai = a[i * rs];
        for (int j = 0; j < kCols; j++) acc[i][j] += ai * b[j];
      }
      a += cs;
      b += rsb;
    }
    for (int i = 0; i < kRows; i++) {
      T* row = c + i * rsc;
      if (beta == T(0)) {
        for (int j = 0; j < kCols; j++) row[j] = alpha * acc[i][j];
      } else {
        for (int j = 0; j < kCols; j++) row[j] = alpha * acc[i][j] + beta * row[j];
      }
    }
  }
};
