// The eight dtypes, numbered as lib/dtype.ts numbers them, and the switch that turns a
// run-time dtype into a compile-time type.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tg {

enum class DType : int32_t {
  Float32 = 0,
  Float64 = 1,
  Int32 = 2,
  Int64 = 3,
  Int16 = 4,
  Int8 = 5,
  UInt8 = 6,
  Bool = 7,
};
constexpr int kNumDTypes = 8;

inline bool validDType(int32_t code) { return code >= 0 && code < kNumDTypes; }

inline size_t itemSize(DType dt) {
  switch (dt) {
    case DType::Float64:
    case DType::Int64: return 8;
    case DType::Float32:
    case DType::Int32: return 4;
    case DType::Int16: return 2;
    default: return 1;
  }
}

inline bool isFloating(DType dt) { return dt == DType::Float32 || dt == DType::Float64; }

// TG_DISPATCH(dt, T, body): runs body with T bound to the C++ type of dt.
#define TG_DISPATCH_CASE(code, type, T, ...) \
  case ::tg::DType::code: {                  \
    using T = type;                          \
    __VA_ARGS__;                             \
    break;                                   \
  }
#define TG_DISPATCH(dt, T, ...)                       \
  switch (dt) {                                       \
    TG_DISPATCH_CASE(Float32, float, T, __VA_ARGS__)  \
    TG_DISPATCH_CASE(Float64, double, T, __VA_ARGS__) \
    TG_DISPATCH_CASE(Int32, int32_t, T, __VA_ARGS__)  \
    TG_DISPATCH_CASE(Int64, int64_t, T, __VA_ARGS__)  \
    TG_DISPATCH_CASE(Int16, int16_t, T, __VA_ARGS__)  \
    TG_DISPATCH_CASE(Int8, int8_t, T, __VA_ARGS__)    \
    TG_DISPATCH_CASE(UInt8, uint8_t, T, __VA_ARGS__)  \
    TG_DISPATCH_CASE(Bool, bool, T, __VA_ARGS__)      \
  }

}  // namespace tg
