#!/usr/bin/env bash
# Checks that the staged shared libraries export the entry points the C# bindings rely on, and run on one
# OpenMP runtime. ELF libraries (Linux: lib<name>.so.<major>, read with nm -D and their NEEDED entries) or
# Windows DLLs (<name>.dll, read with objdump -p: the export name table and the imported DLL names).
# usage: check-exports.sh LIB_DIR
set -euo pipefail
lib_dir=$1
if [ -f "$lib_dir/nativeconv_dnnl.dll" ]; then
  dnnl="$lib_dir/nativeconv_dnnl.dll"
  xnn="$lib_dir/nativeconv_xnnpack.dll"
  [ -f "$xnn" ] || { echo "FAIL: no nativeconv_xnnpack.dll in $lib_dir"; exit 1; }
  omp=libgomp-1.dll
  # The export name table: lines '\t[ N] name' after '[Ordinal/Name Pointer] Table'.
  exports() { objdump -p "$1" | awk '/^\[Ordinal\/Name Pointer\] Table/ { t = 1; next } t && /^\t\[ *[0-9]+\] / { sub(/^\t\[ *[0-9]+\] /, ""); print $1; next } t { t = 0 }' | sort -u; }
  needed() { objdump -p "$1" | awk '/DLL Name:/ { print $3 }'; }
  soname() { basename "$1"; } # a DLL is found by its file name
else
  # The soname file: lib<name>.so.<major>, whatever the major's digits (not the .so link, not .so.<major>.<minor>).
  soname_file() { ls "$lib_dir" 2>/dev/null | grep -E "^lib$1\.so\.[0-9]+\$" | head -1 | sed "s|^|$lib_dir/|" || true; }
  dnnl=$(soname_file nativeconv_dnnl)
  xnn=$(soname_file nativeconv_xnnpack)
  [ -n "$dnnl" ] || { echo "FAIL: no libnativeconv_dnnl.so.<major> in $lib_dir"; exit 1; }
  [ -n "$xnn" ] || { echo "FAIL: no libnativeconv_xnnpack.so.<major> in $lib_dir"; exit 1; }
  omp=libgomp.so.1
  exports() { nm -D --defined-only "$1" | awk '$2 ~ /^[TWiV]$/ { print $3 }' | sed 's/@.*//' | sort -u; }
  needed() { objdump -p "$1" | awk '/NEEDED/ { print $2 }'; }
  soname() { objdump -p "$1" | awk '/SONAME/ { print $2 }'; }
fi

failed=0
require() { # require LIB SYMBOL...
  local lib=$1; shift
  local have; have=$(exports "$lib")
  for sym in "$@"; do
    if ! grep -qx "$sym" <<<"$have"; then echo "FAIL: $(basename "$lib") does not export $sym"; failed=1; fi
  done
}

require "$dnnl" dnnl_version dnnl_engine_create dnnl_engine_destroy dnnl_stream_create dnnl_stream_wait \
  dnnl_stream_destroy dnnl_memory_desc_create_with_tag dnnl_memory_desc_create_with_strides \
  dnnl_memory_desc_destroy dnnl_memory_desc_get_size dnnl_memory_desc_equal dnnl_memory_create \
  dnnl_memory_set_data_handle dnnl_memory_get_data_handle dnnl_memory_destroy \
  dnnl_convolution_forward_primitive_desc_create dnnl_reorder_primitive_desc_create \
  dnnl_primitive_desc_query dnnl_primitive_desc_query_md dnnl_primitive_desc_destroy \
  dnnl_primitive_create dnnl_primitive_execute dnnl_primitive_destroy \
  dnnl_primitive_attr_create dnnl_primitive_attr_destroy dnnl_primitive_attr_set_scratchpad_mode \
  dnnl_primitive_attr_set_post_ops dnnl_post_ops_create dnnl_post_ops_append_eltwise dnnl_post_ops_destroy \
  dnnl_set_verbose dnnl_get_effective_cpu_isa
require "$xnn" xnn_initialize xnn_deinitialize xnn_create_convolution2d_nhwc_f32 \
  xnn_reshape_convolution2d_nhwc_f32 xnn_setup_convolution2d_nhwc_f32 xnn_run_operator xnn_delete_operator \
  xnn_create_transpose_nd_x32 xnn_reshape_transpose_nd_x32 xnn_setup_transpose_nd_x32 \
  xnn_create_transpose_nd_x8 xnn_reshape_transpose_nd_x8 xnn_setup_transpose_nd_x8 \
  pthreadpool_create pthreadpool_destroy pthreadpool_get_threads_count

# One OpenMP runtime for both: oneDNN's loops and XNNPACK's (pthreadpool's API over OpenMP) share libgomp's team.
for lib in "$dnnl" "$xnn"; do
  needed "$lib" | grep -qx "$omp" || { echo "FAIL: $(basename "$lib") does not run on $omp"; failed=1; }
done

for lib in "$dnnl" "$xnn"; do
  soname=$(soname "$lib")
  [ -n "$soname" ] || { echo "FAIL: $(basename "$lib") has no SONAME"; failed=1; }
  printf '%-34s soname %-28s exports: dnnl_* %4d  xnn_* %4d  pthreadpool_* %3d\n' "$(basename "$lib")" "$soname" \
    "$(exports "$lib" | grep -c '^dnnl_' || true)" "$(exports "$lib" | grep -c '^xnn_' || true)" \
    "$(exports "$lib" | grep -c '^pthreadpool_' || true)"
done
[ $failed -eq 0 ] && echo "exports ok" || exit 1
