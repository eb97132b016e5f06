#!/usr/bin/env bash
# Packs NativeConv into the local folder feed artifacts/packages, with one unique prerelease
# version per pack (a rebuilt package under an old version would go stale in the NuGet cache):
#   NativeConv.Native.<rid>      runtimes/<rid>/native/*.so (*.dll on Windows) + license texts, for each RID
#                                in NC_RIDS (default: linux-x64, linux-arm64 and win-x64, the last two cross-built)
#   NativeConv.Native            meta package: every runtime package, pinned exactly
#   NativeConv.Interop.Common (library search, shared exceptions), NativeConv.Interop.OneDnn,
#   NativeConv.Interop.Xnnpack, NativeConv (managed; pins NativeConv.Native exactly),
#   NativeConv.Onnx (ONNX models; depends on NativeConv and Google.Protobuf, its classes generated from the pinned onnx.proto)
# Prints the version on its last line. NATIVECONV_VERSION overrides it.
set -euo pipefail
source "$(dirname "$0")/common.sh"
rids=(${NC_RIDS:-linux-x64 linux-arm64 win-x64})
for rid in "${rids[@]}"; do "$NC_ROOT/build/native.sh" --rid "$rid" >&2; done
nc_onnx_proto
version=${NATIVECONV_VERSION:-0.1.0-dev.$(date -u +%Y%m%d%H%M%S)}
feed="$NC_ROOT/artifacts/packages"
mkdir -p "$feed"
rm -f "$feed"/*.nupkg "$feed"/*.snupkg
pack() { nc_log "pack $1 $version ${*:2}" >&2; dotnet pack "$NC_ROOT/$1" -c Release -nologo -v quiet -o "$feed" -p:Version="$version" "${@:2}" >&2; }
for rid in "${rids[@]}"; do
  pack src/NativeConv.Native.Runtime/NativeConv.Native.Runtime.csproj -p:NcRid="$rid"
done
pack src/NativeConv.Native/NativeConv.Native.csproj -p:RestoreAdditionalProjectSources="$feed" "-p:NcRids=\"$(IFS=';'; echo "${rids[*]}")\""
pack bindings/NativeConv.Interop.Common/NativeConv.Interop.Common.csproj
pack bindings/NativeConv.Interop.OneDnn/NativeConv.Interop.OneDnn.csproj
pack bindings/NativeConv.Interop.Xnnpack/NativeConv.Interop.Xnnpack.csproj
pack src/NativeConv/NativeConv.csproj -p:NcPackNative=true -p:RestoreAdditionalProjectSources="$feed"
pack src/NativeConv.Onnx/NativeConv.Onnx.csproj
# The source tree builds without the native package again.
dotnet restore "$NC_ROOT/src/NativeConv/NativeConv.csproj" -v quiet >&2
ls -l "$feed" >&2
echo "$version"
