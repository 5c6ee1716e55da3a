// Argument unwrapping shared by every binding. JavaScript describes a loop's shape and
// operands in a Float64Array that the addon created once (no per-call arrays); this file
// reads it, checks every operand stays inside its buffer, and builds a StridedLoop.
// Nothing here trusts JavaScript: a bad call throws a TensorError, never touches memory.
#pragma once
#include <napi.h>

#include <string>

#include "core/dtype.h"
#include "core/strided_loop.h"

namespace tg {

constexpr size_t kMetaLength = 4096;

struct AddonData {
  Napi::FunctionReference tensorError;  // lib/errors.ts's class, given by init()
  // The argument block, owned here rather than by V8: JavaScript sees it through an
  // external ArrayBuffer, and every call reads this pointer directly instead of asking
  // V8 for the typed array's contents (that lookup was a third of a tiny op's native
  // time). Detaching or transferring the JavaScript view cannot free it.
  double meta[kMetaLength] = {};
};

[[noreturn]] void throwTensorError(Napi::Env env, const std::string& message);

struct BufferView {
  char* data;
  size_t bytes;
};
// Accepts any typed array, measured in bytes (a tensor's storage is a
// Uint8Array over an ArrayBuffer or a SharedArrayBuffer).
BufferView bufferArg(const Napi::CallbackInfo& info, size_t index, const char* op);
double numberArg(const Napi::CallbackInfo& info, size_t index, const char* op);
int32_t intArg(const Napi::CallbackInfo& info, size_t index, const char* op, int32_t lo, int32_t hi);

// Reader over the meta array: [ndim, shape...] then per operand [dtype, offset, strides...].
class MetaReader {
 public:
  MetaReader(const Napi::CallbackInfo& info, const char* op);
  Napi::Env env() const { return env_; }
  const char* op() const { return op_; }
  // Reads the shared shape into loop; returns ndim.
  int readShape(StridedLoop& loop);
  // Reads operand `index` of `loop`, checks it against `buffer`, returns its dtype.
  // extraLow/extraHigh widen the checked byte range (for gathered dims).
  DType readOperand(StridedLoop& loop, int index, const BufferView& buffer, int64_t extraLow = 0,
                    int64_t extraHigh = 0);
  // Refuses a loop whose operand `index` (an output) would write some address twice: its
  // element count must not exceed the addresses its strides span. This also bounds the
  // loop's length by the output buffer's size, so no call can spin for hours.
  void requireDistinctOutput(const StridedLoop& loop, int index) const;
  // Loops with only broadcast-free inputs (indexPut) get a flat cap instead.
  void requireAtMost(const StridedLoop& loop, int64_t elements) const;
  double next();          // next raw number
  int64_t nextInt();      // next number, checked integral and within +-2^53
  size_t position() const { return pos_; }

 private:
  Napi::Env env_;
  const char* op_;
  const double* meta_;
  size_t length_;
  size_t pos_ = 0;
};

}  // namespace tg
