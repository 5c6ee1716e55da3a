// Scalar definitions of the pointwise ops; the ISA builds vectorise the loops around them.
// Included inside the ISA namespace by pointwise_impl.h (no includes of its own), so each
// ISA gets its own copy and the linker can never swap an AVX-512 body into the default path.
// Integer arithmetic wraps like PyTorch's (two's complement), never undefined behaviour.

template <class T>
constexpr bool kIsInt = std::is_integral<T>::value && !std::is_same<T, bool>::value;
template <class T>
constexpr bool kIsFloat = std::is_floating_point<T>::value;

template <class T>
inline T wrapAdd(T a, T b) {
  if constexpr (kIsInt<T>) {
    using U = typename std::make_unsigned<T>::type;
    return T(U(U(a) + U(b)));
  } else {
    return a + b;
  }
}
template <class T>
inline T wrapSub(T a, T b) {
  if constexpr (kIsInt<T>) {
    using U = typename std::make_unsigned<T>::type;
    return T(U(U(a) - U(b)));
  } else {
    return a - b;
  }
}
template <class T>
inline T wrapMul(T a, T b) {
  if constexpr (kIsInt<T>) {
    using U = typename std::make_unsigned<T>::type;
    return T(U(U(a) * U(b)));
  } else if constexpr (std::is_same<T, bool>::value) {
    return a && b;
  } else {
    return a * b;
  }
}

template <class T>
inline T maxNaN(T a, T b) {
  if constexpr (kIsFloat<T>) {
    if (a != a) return a;
    if (b != b) return b;
  }
  return a > b ? a : b;
}
template <class T>
inline T minNaN(T a, T b) {
  if constexpr (kIsFloat<T>) {
    if (a != a) return a;
    if (b != b) return b;
  }
  return a < b ? a : b;
}

template <class T>
inline T intPow(T base, T exp) {
  if constexpr (std::is_signed<T>::value) {
    if (exp < 0) {  // as PyTorch's integer pow: only 1 and -1 survive
      if (base == 1) return 1;
      if (base == -1) return (exp & 1) ? T(-1) : T(1);
      return 0;
    }
  }
  T result = 1;
  while (exp) {
    if (exp & 1) result = wrapMul(result, base);
    exp = T(exp >> 1);
    base = wrapMul(base, base);
  }
  return result;
}

// Binary ops: Out op(T a, T b), with `status` set on integer division by zero.
template <BinaryOp kOp, class T>
struct BinaryFn {
  T alpha;
  KernelStatus* status;
  static constexpr bool kBoolOut = kOp >= BinaryOp::Eq && kOp <= BinaryOp::LogicalXor;
  using Out = typename std::conditional<kBoolOut, bool, T>::type;

  inline Out operator()(T a, T b) const {
    if constexpr (kOp == BinaryOp::Add) {
      if constexpr (std::is_same<T, bool>::value) return a || (alpha && b);
      else return wrapAdd(a, wrapMul(alpha, b));
    } else if constexpr (kOp == BinaryOp::Sub) {
      if constexpr (std::is_same<T, bool>::value) return a != (alpha && b);
      else return wrapSub(a, wrapMul(alpha, b));
    } else if constexpr (kOp == BinaryOp::Mul) {
      return wrapMul(a, b);
    } else if constexpr (kOp == BinaryOp::Div) {
      if constexpr (kIsFloat<T>) return a / b;
      else return divTrunc(a, b);
    } else if constexpr (kOp == BinaryOp::DivTrunc) {
      if constexpr (kIsFloat<T>) return std::trunc(a / b);
      else return divTrunc(a, b);
    } else if constexpr (kOp == BinaryOp::DivFloor) {
      if constexpr (kIsFloat<T>) {
        if (b == 0) return a / b;
        T mod = std::fmod(a, b);
        T div = (a - mod) / b;
        if (mod != 0 && ((b < 0) != (mod < 0))) div -= T(1);
        if (div == 0) return std::copysign(T(0), a / b);
        T floorDiv = std::floor(div);
        if (div - floorDiv > T(0.5)) floorDiv += T(1);
        return floorDiv;
      } else {
        if (!checkDivisor(b)) return 0;
        if constexpr (std::is_signed<T>::value) {
          if (b == T(-1)) return wrapSub(T(0), a);
          T q = T(a / b);
          if ((a % b != 0) && ((a < 0) != (b < 0))) q = T(q - 1);
          return q;
        } else {
          return T(a / b);
        }
      }
    } else if constexpr (kOp == BinaryOp::Remainder) {
      if constexpr (kIsFloat<T>) {
        T r = std::fmod(a, b);
        if (r != 0 && ((r < 0) != (b < 0))) r += b;
        return r;
      } else {
        if (!checkDivisor(b)) return 0;
        if constexpr (std::is_signed<T>::value) {
          if (b == T(-1)) return 0;
          T r = T(a % b);
          if (r != 0 && ((r < 0) != (b < 0))) r = T(r + b);
          return r;
        } else {
          return T(a % b);
        }
      }
    } else if constexpr (kOp == BinaryOp::Fmod) {
      if constexpr (kIsFloat<T>) return std::fmod(a, b);
      else {
        if (!checkDivisor(b)) return 0;
        if constexpr (std::is_signed<T>::value) {
          if (b == T(-1)) return 0;
        }
        return T(a % b);
      }
    } else if constexpr (kOp == BinaryOp::Pow) {
      if constexpr (kIsFloat<T>) return std::pow(a, b);
      else if constexpr (std::is_same<T, bool>::value) return a || !b;
      else return intPow(a, b);
    } else if constexpr (kOp == BinaryOp::Maximum) {
      return maxNaN(a, b);
    } else if constexpr (kOp == BinaryOp::Minimum) {
      return minNaN(a, b);
    } else if constexpr (kOp == BinaryOp::Atan2) {
      if constexpr (kIsFloat<T>) return std::atan2(a, b);
      else return T(std::atan2(double(a), double(b)));
    } else if constexpr (kOp == BinaryOp::ThresholdBackward) {
      return b <= T(0) ? T(0) : a;
    } else if constexpr (kOp == BinaryOp::Eq) {
      return a == b;
    } else if constexpr (kOp == BinaryOp::Ne) {
      return a != b;
    } else if constexpr (kOp == BinaryOp::Lt) {
      return a < b;
    } else if constexpr (kOp == BinaryOp::Le) {
      return a <= b;
    } else if constexpr (kOp == BinaryOp::Gt) {
      return a > b;
    } else if constexpr (kOp == BinaryOp::Ge) {
      return a >= b;
    } else if constexpr (kOp == BinaryOp::LogicalAnd) {
      return bool(a) && bool(b);
    } else if constexpr (kOp == BinaryOp::LogicalOr) {
      return bool(a) || bool(b);
    } else if constexpr (kOp == BinaryOp::LogicalXor) {
      return bool(a) != bool(b);
    } else if constexpr (kOp == BinaryOp::BitwiseAnd) {
      if constexpr (kIsFloat<T>) return 0;
      else return T(a & b);
    } else if constexpr (kOp == BinaryOp::BitwiseOr) {
      if constexpr (kIsFloat<T>) return 0;
      else return T(a | b);
    } else {
      static_assert(kOp == BinaryOp::BitwiseXor, "unhandled binary op");
      if constexpr (kIsFloat<T>) return 0;
      else return T(a ^ b);
    }
  }

  inline bool checkDivisor(T b) const {
    if (b == 0) {
      status->fail(KernelError::IntegerDivisionByZero);
      return false;
    }
    return true;
  }
  inline T divTrunc(T a, T b) const {
    if (!checkDivisor(b)) return 0;
    if constexpr (std::is_signed<T>::value) {
      if (b == T(-1)) return wrapSub(T(0), a);
    }
    return T(a / b);
  }
};

template <UnaryOp kOp, class T>
struct UnaryFn {
  T p1, p2;
  static constexpr bool kBoolOut =
      kOp == UnaryOp::LogicalNot || kOp == UnaryOp::IsNan || kOp == UnaryOp::IsInf || kOp == UnaryOp::IsFinite;
  using Out = typename std::conditional<kBoolOut, bool, T>::type;

  inline Out operator()(T x) const {
    if constexpr (kOp == UnaryOp::Neg) {
      // -x, not 0 - x: neg(0.0) is -0.0 as in PyTorch (0 - 0 would be +0).
      if constexpr (std::is_same<T, bool>::value) return !x;
      else if constexpr (kIsFloat<T>) return -x;
      else return wrapSub(T(0), x);
    } else if constexpr (kOp == UnaryOp::Abs) {
      if constexpr (kIsFloat<T>) return std::fabs(x);
      else if constexpr (std::is_signed<T>::value) return x < 0 ? wrapSub(T(0), x) : x;
      else return x;
    } else if constexpr (kOp == UnaryOp::Sign) {
      // NaN compares false both ways: sign(NaN) = 0, as PyTorch 1.13.
      return T((T(0) < x) - (x < T(0)));
    } else if constexpr (kOp == UnaryOp::Relu) {
      // x < 0 ? 0 : x is one vmaxps(0, x): a NaN input fails the compare and stays NaN, and
      // -0 stays -0, both as PyTorch (whose clamp_min is that instruction). The form with
      // an explicit NaN test took three compares and a mask merge: relu of 4M floats ran
      // ~10% slower than a plain stream.
      return x < T(0) ? T(0) : x;
    } else if constexpr (kOp == UnaryOp::Square) {
      return wrapMul(x, x);
    } else if constexpr (kOp == UnaryOp::Floor) {
      if constexpr (kIsFloat<T>) return std::floor(x);
      else return x;
    } else if constexpr (kOp == UnaryOp::Ceil) {
      if constexpr (kIsFloat<T>) return std::ceil(x);
      else return x;
    } else if constexpr (kOp == UnaryOp::Round) {
      if constexpr (kIsFloat<T>) return std::nearbyint(x);  // half to even, as PyTorch
      else return x;
    } else if constexpr (kOp == UnaryOp::Trunc) {
      if constexpr (kIsFloat<T>) return std::trunc(x);
      else return x;
    } else if constexpr (kOp == UnaryOp::LogicalNot) {
      return !bool(x);
    } else if constexpr (kOp == UnaryOp::BitwiseNot) {
      if constexpr (std::is_same<T, bool>::value) return !x;
      else if constexpr (kIsFloat<T>) return 0;
      else return T(~x);
    } else if constexpr (kOp == UnaryOp::IsNan) {
      return x != x;
    } else if constexpr (kOp == UnaryOp::IsInf) {
      if constexpr (kIsFloat<T>) return std::isinf(x);
      else return false;
    } else if constexpr (kOp == UnaryOp::IsFinite) {
      if constexpr (kIsFloat<T>) return std::isfinite(x);
      else return true;
    } else if constexpr (kOp == UnaryOp::Clamp) {
      // p1 = min, p2 = max (NaN = no bound: an infinite one); a NaN input fails both
      // compares and stays NaN, as PyTorch; min > max gives max. Two selects and no branch,
      // so the loop vectorises (the branchy form ran 4.6x slower than relu).
      if constexpr (kIsFloat<T>) {
        const T lo = p1 == p1 ? p1 : -std::numeric_limits<T>::infinity();
        const T hi = p2 == p2 ? p2 : std::numeric_limits<T>::infinity();
        const T low = x < lo ? lo : x;
        return low > hi ? hi : low;
      } else {
        // Integer bounds are passed as exact values; the caller sets p1 > p2 never.
        if (x < p1) x = p1;
        if (x > p2) x = p2;
        return x;
      }
    } else if constexpr (!kIsFloat<T>) {
      return x;  // float-only ops: lib/ promotes integer inputs before calling
    } else if constexpr (kOp == UnaryOp::Sqrt) {
      return std::sqrt(x);
    } else if constexpr (kOp == UnaryOp::Rsqrt) {
      return T(1) / std::sqrt(x);
    } else if constexpr (kOp == UnaryOp::Exp) {
      // float: the branch-free polynomial (< 1 ulp) so the loop vectorises; libm's expf does not.
      if constexpr (std::is_same<T, float>::value) return fastExp(x);
      else return std::exp(x);
    } else if constexpr (kOp == UnaryOp::Expm1) {
      return std::expm1(x);
    } else if constexpr (kOp == UnaryOp::Log) {
      return std::log(x);
    } else if constexpr (kOp == UnaryOp::Log1p) {
      return std::log1p(x);
    } else if constexpr (kOp == UnaryOp::Log2) {
      return std::log2(x);
    } else if constexpr (kOp == UnaryOp::Sin) {
      return std::sin(x);
    } else if constexpr (kOp == UnaryOp::Cos) {
      return std::cos(x);
    } else if constexpr (kOp == UnaryOp::Tan) {
      return std::tan(x);
    } else if constexpr (kOp == UnaryOp::Tanh) {
      return std::tanh(x);
    } else if constexpr (kOp == UnaryOp::Sigmoid) {
      if constexpr (std::is_same<T, float>::value) return 1.0f / (1.0f + fastExp(-x));
      else return T(1) / (T(1) + std::exp(-x));
    } else if constexpr (kOp == UnaryOp::Reciprocal) {
      return T(1) / x;
    } else if constexpr (kOp == UnaryOp::Gelu) {
      return T(0.5) * x * (T(1) + std::erf(x * T(0.70710678118654752440)));
    } else if constexpr (kOp == UnaryOp::Silu) {
      if constexpr (std::is_same<T, float>::value) return x / (1.0f + fastExp(-x));
      else return x / (T(1) + std::exp(-x));
    } else if constexpr (kOp == UnaryOp::Softplus) {
      // p1 = beta, p2 = threshold: linear above threshold, as PyTorch.
      return x * p1 > p2 ? x : std::log1p(std::exp(x * p1)) / p1;
    } else {
      static_assert(kOp == UnaryOp::LeakyRelu, "unhandled unary op");
      return x > T(0) ? x : x * p1;
    }
  }
};

// Conversion between dtypes as PyTorch does it on x86: float -> integer truncates and
// out-of-range or NaN values give the "integer indefinite" value rather than UB.
template <class To, class From>
inline To castValue(From v) {
  if constexpr (std::is_same<To, bool>::value) {
    return v != From(0);
  } else if constexpr (kIsFloat<From> && !kIsFloat<To>) {
    if constexpr (sizeof(To) == 8) {
      if (!(v >= From(-9223372036854775808.0) && v < From(9223372036854775808.0))) return To(INT64_MIN);
      return To(int64_t(v));
    } else {
      // Narrow integers go through int32 then wrap, like cvttss2si followed by truncation.
      if (!(v >= From(-2147483648.0) && v < From(2147483648.0))) return To(uint32_t(0x80000000u));
      using U = typename std::make_unsigned<To>::type;
      return To(U(uint32_t(int32_t(v))));
    }
  } else if constexpr (kIsInt<To> && !std::is_same<From, bool>::value && !kIsFloat<From>) {
    using U = typename std::make_unsigned<To>::type;
    return To(U(v));  // integer narrowing wraps
  } else {
    return To(v);
  }
}
