// exp for float written so that a loop around it vectorises for every ISA build: no libm
// call and no branch. exp(x) = 2^n * exp(r) with n = round(x / ln 2), |r| <= ln2 / 2,
// Cephes' polynomial for exp(r) (under 1 ulp against exp in double), and 2^n applied as
// two halves so that results in the denormal range stay right. -inf gives 0, +inf gives
// inf, NaN stays NaN. The clamps are bit selects: GCC will not if-convert a float
// compare-and-select that feeds arithmetic without AVX-512 masks (-ftrapping-math), and
// a branch would keep the whole loop scalar.
// Included inside an ISA namespace (no includes of its own: needs <cstdint>, <cstring>).

// v < bound ? bound : v (below) or v > bound ? bound : v (above), as bit operations.
inline float clampBits(float v, float bound, bool below) {
  int32_t vBits, boundBits;
  std::memcpy(&vBits, &v, 4);
  std::memcpy(&boundBits, &bound, 4);
  const int32_t take = -int32_t(below ? v < bound : v > bound);
  const int32_t r = (vBits & ~take) | (boundBits & take);
  float out;
  std::memcpy(&out, &r, 4);
  return out;
}

inline float fastExp(float x) {
  x = clampBits(x, -104.0f, true);  // exp(-104) already rounds to 0; NaN passes through
  x = clampBits(x, 89.0f, false);   // exp(89) already overflows to inf
  const float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const float t = x * 1.44269504088896341f + kRound;
  int32_t tBits, roundBits;
  std::memcpy(&tBits, &t, 4);
  std::memcpy(&roundBits, &kRound, 4);
  // Unsigned: a NaN input makes these bits garbage, which must not be signed overflow.
  const uint32_t n = uint32_t(tBits) - uint32_t(roundBits);
  const float fn = t - kRound;
  float r = x - fn * 0.693359375f;  // ln 2 in two parts, the first exact in few bits
  r = r - fn * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t half = int32_t(n) >> 1;  // n in [-150, 128]: both halves are normal floats
  const uint32_t s1Bits = uint32_t(half + 127) << 23, s2Bits = (n - uint32_t(half) + 127u) << 23;
  float s1, s2;
  std::memcpy(&s1, &s1Bits, 4);
  std::memcpy(&s2, &s2Bits, 4);
  return p * s1 * s2;
}
