// Each bindings/*.cc adds its functions to the module's exports.
#pragma once
#include <napi.h>

namespace tg {
void registerMemoryBindings(Napi::Env env, Napi::Object exports);
void registerPointwiseBindings(Napi::Env env, Napi::Object exports);
void registerIndexBindings(Napi::Env env, Napi::Object exports);
void registerReduceBindings(Napi::Env env, Napi::Object exports);
void registerLinalgBindings(Napi::Env env, Napi::Object exports);
void registerSelectBindings(Napi::Env env, Napi::Object exports);
void registerPoolBindings(Napi::Env env, Napi::Object exports);
void registerNormBindings(Napi::Env env, Napi::Object exports);
void registerConvBindings(Napi::Env env, Napi::Object exports);
void registerLossBindings(Napi::Env env, Napi::Object exports);
}  // namespace tg
