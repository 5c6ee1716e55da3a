// Portable packing routines (included inside an ISA namespace by gemm_driver.h users).
// Packed A: panels of MR rows, each stored k-major ([k][MR]) so the micro-kernel reads
// one contiguous group of MR values per k. Packed B: panels of NR columns stored [k][NR],
// zero-padded past the last column so the micro-kernel can always load full vectors.
// Both read their source through arbitrary strides (a transposed view needs no copy) and
// touch only the mc x kc (kc x nc) elements asked for. Included inside an ISA's
// namespace (after <cstdint> and <cstring>), so each instruction set gets its own copy.

template <class T, int MR>
void packAPortable(T* dst, const T* src, int64_t rs, int64_t cs, int64_t mc, int64_t kc) {
  for (int64_t i0 = 0; i0 < mc; i0 += MR, dst += MR * kc) {
    const int64_t rows = mc - i0 < MR ? mc - i0 : MR;
    const T* panel = src + i0 * rs;
    if (rs == 1) {
      for (int64_t p = 0; p < kc; p++)
        for (int64_t i = 0; i < rows; i++) dst[p * MR + i] = panel[p * cs + i];
    } else {
      // Row by row: each row's k run is read in order (contiguous when cs == 1).
      for (int64_t i = 0; i < rows; i++) {
        const T* row = panel + i * rs;
        for (int64_t p = 0; p < kc; p++) dst[p * MR + i] = row[p * cs];
      }
    }
  }
}

template <class T, int NR>
void packBPortable(T* dst, const T* src, int64_t rs, int64_t cs, int64_t kc, int64_t nc) {
  for (int64_t j0 = 0; j0 < nc; j0 += NR, dst += NR * kc) {
    const int64_t cols = nc - j0 < NR ? nc - j0 : NR;
    const T* panel = src + j0 * cs;
    if (cols < NR) std::memset(static_cast<void*>(dst), 0, sizeof(T) * NR * size_t(kc));
    if (cs == 1) {
      for (int64_t p = 0; p < kc; p++)
        for (int64_t j = 0; j < cols; j++) dst[p * NR + j] = panel[p * rs + j];
    } else {
      for (int64_t j = 0; j < cols; j++) {
        const T* col = panel + j * cs;
        for (int64_t p = 0; p < kc; p++) dst[p * NR + j] = col[p * rs];
      }
    }
  }
}
