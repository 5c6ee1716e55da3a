#include "bindings/call_args.h"

#include <cmath>
#include <numeric>

namespace tg {

void throwTensorError(Napi::Env env, const std::string& message) {
  AddonData* data = env.GetInstanceData<AddonData>();
  if (data != nullptr && !data->tensorError.IsEmpty()) {
    Napi::Object error = data->tensorError.New({Napi::String::New(env, message)});
    throw Napi::Error(env, error);
  }
  throw Napi::Error::New(env, message);
}

BufferView bufferArg(const Napi::CallbackInfo& info, size_t index, const char* op) {
  // napi_get_buffer_info answers in bytes for any typed array with one type test;
  // napi_get_typedarray_info tests every typed-array kind in turn, which costs more than a
  // small kernel.
  void* data = nullptr;
  size_t bytes = 0;
  bool typed = false;
  if (info.Length() <= index || napi_is_typedarray(info.Env(), info[index], &typed) != napi_ok || !typed ||
      napi_get_buffer_info(info.Env(), info[index], &data, &bytes) != napi_ok)
    throwTensorError(info.Env(), std::string(op) + ": argument " + std::to_string(index) + " must be a tensor storage");
  return BufferView{static_cast<char*>(data), data == nullptr ? 0 : bytes};
}

double numberArg(const Napi::CallbackInfo& info, size_t index, const char* op) {
  if (info.Length() <= index || !info[index].IsNumber())
    throwTensorError(info.Env(), std::string(op) + ": argument " + std::to_string(index) + " must be a number");
  return info[index].As<Napi::Number>().DoubleValue();
}

int32_t intArg(const Napi::CallbackInfo& info, size_t index, const char* op, int32_t lo, int32_t hi) {
  double v = numberArg(info, index, op);
  if (!(v >= lo && v <= hi) || v != std::floor(v))
    throwTensorError(info.Env(), std::string(op) + ": argument " + std::to_string(index) + " out of range");
  return int32_t(v);
}

MetaReader::MetaReader(const Napi::CallbackInfo& info, const char* op) : env_(info.Env()), op_(op) {
  AddonData* data = env_.GetInstanceData<AddonData>();
  if (data == nullptr) throwTensorError(env_, std::string(op) + ": the addon is not initialised");
  meta_ = data->meta;
  length_ = kMetaLength;
}

double MetaReader::next() {
  if (pos_ >= length_) throwTensorError(env_, std::string(op_) + ": too many dimensions or operands");
  return meta_[pos_++];
}

int64_t MetaReader::nextInt() {
  double v = next();
  // The range test comes first so the cast is defined; comparing with the truncated value
  // avoids a floor() call (not inlined in the baseline-ISA build).
  if (!(std::fabs(v) <= 9007199254740992.0) || v != double(int64_t(v)))
    throwTensorError(env_, std::string(op_) + ": expected an integer, got " + std::to_string(v));
  return int64_t(v);
}

namespace {
// Element count of the loop, or -1 if it overflows int64.
int64_t checkedNumel(const StridedLoop& loop) {
  int64_t n = 1;
  for (int d = 0; d < loop.ndim; d++)
    if (__builtin_mul_overflow(n, loop.shape[d], &n)) return -1;
  return n;
}
}  // namespace

void MetaReader::requireDistinctOutput(const StridedLoop& loop, int index) const {
  int64_t numel = checkedNumel(loop);
  if (numel == 0) return;
  // Addresses the operand can reach: every one is the first plus a multiple of the gcd of
  // the moving strides, within its byte span (already checked against the buffer). More
  // elements than that means two of them share an address. (The gcd, not the smallest
  // stride: x[:, ::2] of a 3x3 has strides 3 and 2 and reaches 6 distinct addresses of 9.)
  int64_t span = 0, step = 0;
  for (int d = 0; d < loop.ndim; d++) {
    int64_t s = loop.strides[index][d] < 0 ? -loop.strides[index][d] : loop.strides[index][d];
    span += s * (loop.shape[d] - 1);
    if (loop.shape[d] > 1 && s > 0) step = std::gcd(step, s);
  }
  int64_t addresses = step == 0 ? 1 : span / step + 1;
  if (numel < 0 || numel > addresses)
    throwTensorError(env_, std::string(op_) +
                               ": unsupported operation: more than one element of the written-to tensor refers to a single memory location");
}

void MetaReader::requireAtMost(const StridedLoop& loop, int64_t elements) const {
  int64_t numel = checkedNumel(loop);
  if (numel < 0 || numel > elements)
    throwTensorError(env_, std::string(op_) + ": too many elements (" + std::to_string(numel) + ")");
}

int MetaReader::readShape(StridedLoop& loop) {
  int64_t ndim = nextInt();
  if (ndim < 0 || ndim > kMaxDims)
    throwTensorError(env_, std::string(op_) + ": number of dimensions " + std::to_string(ndim) + " out of range");
  loop.ndim = int(ndim);
  for (int d = 0; d < loop.ndim; d++) {
    int64_t size = nextInt();
    if (size < 0) throwTensorError(env_, std::string(op_) + ": negative dimension " + std::to_string(size));
    loop.shape[d] = size;
  }
  return loop.ndim;
}

DType MetaReader::readOperand(StridedLoop& loop, int index, const BufferView& buffer, int64_t extraLow,
                              int64_t extraHigh) {
  int64_t code = nextInt();
  if (!validDType(int32_t(code)) || code != int32_t(code))
    throwTensorError(env_, std::string(op_) + ": unknown dtype code " + std::to_string(code));
  DType dtype = DType(code);
  const int64_t item = int64_t(itemSize(dtype));
  int64_t offset = nextInt();
  bool empty = false;
  int64_t low = 0, high = 0;  // element offsets reached, relative to `offset`
  for (int d = 0; d < loop.ndim; d++) {
    int64_t stride = nextInt();
    loop.strides[index][d] = stride * item;
    if (loop.shape[d] == 0) empty = true;
    int64_t reach;
    if (__builtin_mul_overflow(stride, loop.shape[d] > 0 ? loop.shape[d] - 1 : 0, &reach))
      throwTensorError(env_, std::string(op_) + ": stride overflow");
    if (reach < 0) low += reach; else high += reach;
    if (std::fabs(double(low)) > 9e15 || std::fabs(double(high)) > 9e15)
      throwTensorError(env_, std::string(op_) + ": strides out of range");
  }
  if (!empty) {
    int64_t first = (offset + low) * item + extraLow;
    int64_t last = (offset + high) * item + extraHigh + item;  // one past the last byte
    if (first < 0 || last > int64_t(buffer.bytes))
      throwTensorError(env_, std::string(op_) + ": operand " + std::to_string(index) +
                                 " reaches outside its storage (bytes " + std::to_string(first) + " to " +
                                 std::to_string(last) + " of " + std::to_string(buffer.bytes) + ")");
  }
  loop.data[index] = buffer.data + (empty ? 0 : offset * item);
  if (index + 1 > loop.nops) loop.nops = index + 1;
  return dtype;
}

}  // namespace tg
