# Native addon build for node-gyp. The source list lives in native/sources.json, which
# CMakeLists.txt reads too. Each instruction-set group is its own static library so that
# only its files get the -mavx* flags; the default path stays runnable on any x86-64.
{
  "target_defaults": {
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
    "cflags_cc": ["-std=c++17", "-O3", "-fPIC", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fvisibility=hidden",
                  "<!@(node -p \"require('./native/sources.json').loopFlags.join(' ')\")"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native/src"],
    "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"]
  },
  "targets": [
    {
      "target_name": "tg_isa_avx2",
      "type": "static_library",
      "sources": ["<!@(node -p \"require('./native/sources.json').isa.avx2.join(' ')\")"],
      "cflags_cc": ["<!@(node -p \"require('./native/sources.json').isaFlags.avx2.join(' ')\")"]
    },
    {
      "target_name": "tg_isa_avx512",
      "type": "static_library",
      "sources": ["<!@(node -p \"require('./native/sources.json').isa.avx512.join(' ')\")"],
      "cflags_cc": ["<!@(node -p \"require('./native/sources.json').isaFlags.avx512.join(' ')\")"]
    },
    {
      "target_name": "tensorgrad",
      "dependencies": ["tg_isa_avx2", "tg_isa_avx512"],
      "sources": [
        "<!@(node -p \"require('./native/sources.json').common.join(' ')\")",
        "<!@(node -p \"require('./native/sources.json').isa.default.join(' ')\")"
      ],
      "libraries": ["-lpthread"]
    }
  ]
}
