// Module entry. Context-aware: every worker_thread gets its own instance data (the
// TensorError class and the argument block); the allocator and thread pool are shared
// process-wide and are thread-safe.
#include <napi.h>

#include "bindings/bindings.h"
#include "bindings/call_args.h"
#include "core/malloc_tuning.h"

namespace tg {
namespace {

Napi::Value InitErrors(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "init(TensorError)");
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  data->tensorError = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

}  // namespace

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  tuneMallocOnce();
  auto* data = new AddonData();
  env.SetInstanceData<AddonData>(data);  // deletes data when this environment is torn down
  // The block lives as long as the environment (no finaliser frees it): JavaScript may keep
  // or even detach its view without affecting the addon.
  Napi::ArrayBuffer block = Napi::ArrayBuffer::New(env, data->meta, sizeof(data->meta));
  exports.Set("meta", Napi::Float64Array::New(env, kMetaLength, block, 0));
  exports.Set("init", Napi::Function::New(env, InitErrors, "init"));
  registerMemoryBindings(env, exports);
  registerPointwiseBindings(env, exports);
  registerIndexBindings(env, exports);
  registerReduceBindings(env, exports);
  registerLinalgBindings(env, exports);
  registerSelectBindings(env, exports);
  registerPoolBindings(env, exports);
  registerNormBindings(env, exports);
  registerConvBindings(env, exports);
  registerLossBindings(env, exports);
  return exports;
}

}  // namespace tg

static Napi::Object InitTensorgrad(Napi::Env env, Napi::Object exports) { return tg::InitModule(env, exports); }

NODE_API_MODULE(tensorgrad, InitTensorgrad)
