// The register-tile micro-kernel, written once over a vector-traits type W (zero, set1,
// load, store, fmadd, mul, kLanes) and included inside an ISA's namespace by
// gemm_avx2.cc / gemm_avx512.cc, so each instruction set gets its own copy.
// Tile: kRows x (2 * kLanes): two vectors of B per k, one broadcast of A per row.

template <class W, int MR>
struct SimdTile {
  using T = typename W::Scalar;
  using V = typename W::V;
  static constexpr int kL = W::kLanes;
  static constexpr int kMR = MR, kNR = 2 * kL;

  // c[i][0..NR) = alpha * sum_p a[i*rsa + p*csa] * b[p*rsb + 0..NR) + beta * c[i][0..NR)
  // for i < kRows; beta == 0 never reads c. kPackedA: rsa = 1, csa = MR, as constants so
  // every broadcast is a fixed offset from one pointer. kNarrow: only the first NR / 2
  // columns (one vector of B per k), for a last column panel at most half full - a 4-wide
  // edge (n = 196, a 14x14 image) otherwise costs a whole 32-wide panel of FMAs.
  template <int kRows, bool kPackedA, bool kNarrow = false>
  static void tile(int64_t kc, const T* a, int64_t rsa, int64_t csa, const T* b, int64_t rsb, T* c, int64_t rsc,
                   T alpha, T beta) {
    constexpr int kVecs = kNarrow ? 1 : 2;
    V acc[kVecs][kRows];
#pragma GCC unroll 16
    for (int i = 0; i < kRows; i++)
      for (int v = 0; v < kVecs; v++) acc[v][i] = W::zero();
    const int64_t rs = kPackedA ? 1 : rsa;
    const int64_t cs = kPackedA ? MR : csa;
    // Fetch the tile of C while the k loop runs: a new output is cold (V8 hands back freed
    // buffers only at its next scavenge), and each row of the tile spans two cache lines.
#pragma GCC unroll 16
    for (int i = 0; i < kRows; i++) {
      _mm_prefetch(reinterpret_cast<const char*>(c + i * rsc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(c + i * rsc + kVecs * kL - 1), _MM_HINT_T0);
    }
#pragma GCC unroll 2
    for (int64_t p = 0; p < kc; p++) {
      V bv[kVecs];
      for (int v = 0; v < kVecs; v++) bv[v] = W::load(b + v * kL);
#pragma GCC unroll 16
      for (int i = 0; i < kRows; i++) {
        const V ai = W::set1(a[i * rs]);
        for (int v = 0; v < kVecs; v++) acc[v][i] = W::fmadd(ai, bv[v], acc[v][i]);
      }
      a += cs;
      b += rsb;
    }
    const V va = W::set1(alpha);
    if (beta == T(0)) {
#pragma GCC unroll 16
      for (int i = 0; i < kRows; i++)
        for (int v = 0; v < kVecs; v++) W::store(c + i * rsc + v * kL, W::mul(acc[v][i], va));
    } else {
      const V vb = W::set1(beta);
#pragma GCC unroll 16
      for (int i = 0; i < kRows; i++)
        for (int v = 0; v < kVecs; v++) {
          T* at = c + i * rsc + v * kL;
          W::store(at, W::fmadd(acc[v][i], va, W::mul(W::load(at), vb)));
        }
    }
  }
};
