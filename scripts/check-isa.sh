#!/usr/bin/env bash
# Checks that a build of the addon loads and runs on any x86-64-v2 CPU (SSE4.2, no AVX).
#
# The addon compiles its explicit-SIMD kernels (native/sources.json "isa" avx2/avx512
# lists) with -mavx2 / -mavx512* in their own static libraries and calls them only after
# a run-time CPU check. Everything else ("common" and "isa.default") is compiled with the
# default flags and runs unconditionally, so it must hold no instruction a v2 CPU lacks.
# Three ways that can break, each checked here from the disassembly:
#   1. a common object holds AVX/AVX-512/BMI code (a stray -m flag, a target attribute,
#      an intrinsic header used outside the ISA files);
#   2. an ISA object defines a weak symbol (an inline function or template instance from
#      a header, e.g. std::vector<T>::_M_default_append) that common objects define too:
#      the linker keeps one copy, and if it keeps the -mavx2 copy, common code calls AVX
#      instructions on every CPU. Such shared weak symbols must hold no AVX code;
#   3. an ISA object has a static initializer (.init_array): it runs at load time on
#      every CPU. ISA files must have none.
# When the linked .node still has its symbols (node-gyp's build/Release before
# prebuildify strips it), every global function that common objects define is also
# checked in the final binary, which is the copy the linker actually kept.
#
# Usage: scripts/check-isa.sh [build-dir]   (default: build; node-gyp or cmake-js layout)
# Exit status 0 when clean, 1 with the offending objects/functions listed otherwise.
set -euo pipefail

dir="${1:-build}"
if [ -d "$dir/Release/obj.target/tensorgrad" ]; then          # node-gyp / prebuildify
  common_dir="$dir/Release/obj.target/tensorgrad"
  isa_dirs=("$dir"/Release/obj.target/tg_isa_*)
elif [ -d "$dir/CMakeFiles/tensorgrad.dir" ]; then            # cmake-js
  common_dir="$dir/CMakeFiles/tensorgrad.dir"
  isa_dirs=("$dir"/CMakeFiles/tg_isa_*.dir)
else
  echo "check-isa: no object files of the tensorgrad target under $dir" >&2
  exit 2
fi
binary=""
for candidate in "$dir/Release/tensorgrad.node" "$dir/tensorgrad.node"; do
  if [ -f "$candidate" ]; then binary="$candidate"; break; fi
done

mapfile -t common_objs < <(find "$common_dir" -name '*.o' | sort)
mapfile -t isa_objs < <(find "${isa_dirs[@]}" -name '*.o' | sort)
if [ "${#common_objs[@]}" -eq 0 ] || [ "${#isa_objs[@]}" -eq 0 ]; then
  echo "check-isa: found ${#common_objs[@]} common and ${#isa_objs[@]} ISA objects under $dir" >&2
  exit 2
fi

# Instructions beyond x86-64-v2, from objdump's AT&T text (one "addr:<TAB>insn" per line):
# any VEX/EVEX mnemonic (AVX, AVX2, FMA, F16C, AVX-512 all start with "v"), 256/512-bit or
# AVX-512 mask registers, and the BMI1/BMI2/LZCNT/MOVBE/ADX integer instructions.
# (tzcnt is not listed: without BMI, GCC emits it for __builtin_ctz as "rep bsf", which
# older CPUs execute as bsf.)
beyond_v2() {
  awk -F'\t' 'NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ {
      split($2, w, " "); m = w[1]
      if (m ~ /^v/ || $2 ~ /%[yz]mm|%k[0-7]/ ||
          m ~ /^(andn|bextr|blsi|blsmsk|blsr|bzhi|pdep|pext|rorx|sarx|shlx|shrx|mulx|lzcnt|movbe|adcx|adox)[bwlq]?$/)
        print "    " $0
    }'
}

status=0

# 1. Common objects: no instruction beyond v2 anywhere.
for obj in "${common_objs[@]}"; do
  bad=$(objdump -d --no-show-raw-insn "$obj" | beyond_v2 | head -5)
  if [ -n "$bad" ]; then
    echo "check-isa: $obj (compiled for every CPU) holds instructions beyond x86-64-v2:"
    echo "$bad"
    status=1
  fi
done

# 2. Weak symbols defined by both common and ISA objects: the ISA copies must be v2-clean.
shared=$(comm -12 \
  <(nm --defined-only "${common_objs[@]}" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[WVu]$/ {print $3}' | sort -u) \
  <(nm --defined-only "${isa_objs[@]}" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[WVu]$/ && $2 != "V" {print $3}' | sort -u))
for sym in $shared; do
  for obj in "${isa_objs[@]}"; do
    nm --defined-only "$obj" 2>/dev/null | awk -v s="$sym" '$3 == s {found = 1} END {exit !found}' || continue
    bad=$(objdump -d --no-show-raw-insn --disassemble="$sym" "$obj" | beyond_v2 | head -5)
    if [ -n "$bad" ]; then
      echo "check-isa: $obj defines $(echo "$sym" | c++filt), which common code also uses, with AVX code;"
      echo "  the linker may keep this copy for every caller (move the helper out of the header, or make it static/anonymous-namespace):"
      echo "$bad"
      status=1
    fi
  done
done

# 3. No static initializers in ISA objects.
for obj in "${isa_objs[@]}"; do
  if objdump -h "$obj" | grep -qE '\.(init_array|ctors)'; then
    echo "check-isa: $obj has a static initializer, which runs at load time on every CPU"
    status=1
  fi
done

# 4. The linked binary, when it still has symbols: the copies the linker kept.
checked_binary="no (none found)"
if [ -n "$binary" ]; then
  if nm "$binary" >/dev/null 2>&1 && [ -n "$(nm "$binary" 2>/dev/null | head -1)" ]; then
    mapfile -t globals < <(nm --defined-only "${common_objs[@]}" 2>/dev/null |
      awk 'NF == 3 && $2 ~ /^[TWu]$/ {print $3}' | sort -u)
    # One pass over the binary: print "symbol" for every function holding a beyond-v2 insn.
    tainted=$(objdump -d --no-show-raw-insn "$binary" | awk -F'\t' '
      /^[0-9a-f]+ <.*>:$/ { fn = $0; sub(/^[0-9a-f]+ </, "", fn); sub(/>:$/, "", fn); next }
      NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ {
        split($2, w, " "); m = w[1]
        if (m ~ /^v/ || $2 ~ /%[yz]mm|%k[0-7]/ ||
            m ~ /^(andn|bextr|blsi|blsmsk|blsr|bzhi|pdep|pext|rorx|sarx|shlx|shrx|mulx|lzcnt|movbe|adcx|adox)[bwlq]?$/)
          print fn
      }' | sort -u)
    bad=$(comm -12 <(printf '%s\n' "${globals[@]}") <(printf '%s\n' "$tainted"))
    if [ -n "$bad" ]; then
      echo "check-isa: in $binary these functions of the common code hold instructions beyond x86-64-v2:"
      echo "$bad" | c++filt | sed 's/^/    /'
      status=1
    fi
    checked_binary="yes ($binary)"
  else
    checked_binary="no ($binary is stripped)"
  fi
fi

if [ "$status" -eq 0 ]; then
  echo "check-isa: ok: ${#common_objs[@]} common objects v2-clean, ${#isa_objs[@]} ISA objects without shared AVX weak symbols or static initializers; linked binary checked: $checked_binary"
fi
exit "$status"
