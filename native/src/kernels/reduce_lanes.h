// Folds over a contiguous block kept in many independent lanes (four 512-bit registers'
// worth), written as plain loops over a lane array so that each ISA build vectorises
// them with its own width and no loop-carried dependency chain limits throughput.
// Included inside an ISA namespace (no includes of its own).

template <class L>
constexpr int kLanesOf = int(256 / sizeof(L));
// One register's worth, for what is left after the wide loop: a 1000-element row leaves
// 40 elements, which a scalar loop would spend as long on as on the other 960.
template <class L>
constexpr int kVectorOf = int(64 / sizeof(L));

// combine(...combine(identity, load(x[0])), ...) over n elements, in lane order.
template <class L, class T, class Load, class Combine>
inline L laneFold(const T* x, int64_t n, L identity, const Load& load, const Combine& combine) {
  constexpr int kLanes = kLanesOf<L>, kVector = kVectorOf<L>;
  L lanes[kLanes];
  for (int j = 0; j < kLanes; j++) lanes[j] = identity;
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; j++) lanes[j] = combine(lanes[j], load(x[i + j]));
  for (; i + kVector <= n; i += kVector)
    for (int j = 0; j < kVector; j++) lanes[j] = combine(lanes[j], load(x[i + j]));
  L tail = identity;
  for (; i < n; i++) tail = combine(tail, load(x[i]));
  for (int width = kLanes / 2; width >= 1; width /= 2)
    for (int j = 0; j < width; j++) lanes[j] = combine(lanes[j], lanes[j + width]);
  return combine(lanes[0], tail);
}

struct Plus {
  template <class L>
  L operator()(L a, L b) const { return L(a + b); }
};
struct Times {
  template <class L>
  L operator()(L a, L b) const { return L(a * b); }
};
// As PyTorch's max/min reductions: a NaN anywhere wins, and once held it stays (b is
// tested for NaN, a NaN in `a` fails both comparisons and is kept). `|`, not `||`: a
// short-circuit branch can keep GCC from vectorising the lane loop without branches.
struct MaxNaN {
  template <class L>
  L operator()(L a, L b) const { return ((b > a) | (b != b)) ? b : a; }
};
struct MinNaN {
  template <class L>
  L operator()(L a, L b) const { return ((b < a) | (b != b)) ? b : a; }
};
