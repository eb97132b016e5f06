#!/usr/bin/env bash
# Regenerates bindings/*/Generated from the staged headers (artifacts/native/<rid>/include).
# After a pin bump: build/native.sh, then this, then review and commit the diff.
# usage: generate-bindings.sh [--output-root DIR] [--rid RID]
#   DIR: write there instead, for the check; RID: parse artifacts/native/RID/include (default: this
#   machine's). The output must be the same for every RID (tests/NativeConv.Interop.Tests checks it).
set -euo pipefail
source "$(dirname "$0")/common.sh"
nc_apt_install libclang1-14 libclang-common-14-dev
dotnet build "$NC_ROOT/bindings/generator" -c Release -nologo -v quiet -o "$NC_ROOT/artifacts/generator" >/dev/null
cd "$NC_ROOT"
dotnet "$NC_ROOT/artifacts/generator/NativeConv.BindingGenerator.dll" --root "$NC_ROOT" "$@" bindings/generation/*.rsp
