#!/usr/bin/env bash
# The packages, as a user would take them: a fresh console app in a temporary folder, whose
# nuget.config adds the local feed to this machine's own package sources, adds NativeConv, runs a
# depthwise-separable block on both native backends and the reference, then does the same as a
# self-contained linux-x64 app started from another folder, restores and publishes it for linux-arm64
# (the meta package brings each RID its own libraries), and publishes it self-contained for win-x64 and runs
# it under Wine (build/wine-run.sh). Also checks the packages' contents.
set -euo pipefail
source "$(dirname "$0")/common.sh"
nc_apt_install unzip wine64 wine
version=$("$NC_ROOT/build/pack.sh" | tail -1)
feed="$NC_ROOT/artifacts/packages"
work=$(mktemp -d)
# Each pack has its own version: drop this one from the NuGet cache afterwards (the native package is ~60 MB unpacked).
nuget_cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
trap 'rm -rf "$work" "$nuget_cache"/nativeconv*/"$version"' EXIT
passed=0 failed=0
check() { # check NAME COMMAND...
  if "${@:2}"; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi
}

managed_pkg="$feed/NativeConv.$version.nupkg"
rids=(linux-x64 linux-arm64 win-x64)
for rid in "${rids[@]}"; do
  native_pkg="$feed/NativeConv.Native.$rid.$version.nupkg"
  case $rid in
    win-*) files="nativeconv_dnnl.dll nativeconv_xnnpack.dll libgomp-1.dll libgcc_s_seh-1.dll libwinpthread-1.dll"
           licenses="libgomp libgcc winpthread onednn" ;;
    *) files="libnativeconv_dnnl.so.3 libnativeconv_xnnpack.so.0 libgomp.so.1" licenses="libgomp onednn" ;;
  esac
  check "native package $rid carries runtimes/$rid/native/{$(echo $files | tr ' ' ,)} and license texts" bash -c "
    list=\$(unzip -l '$native_pkg')
    for f in $files; do grep -q \"runtimes/$rid/native/\$f\" <<<\"\$list\" || { echo \"missing \$f\"; exit 1; }; done
    for l in $licenses; do grep -q \"licenses/\$l.txt\" <<<\"\$list\" || { echo \"missing licenses/\$l.txt\"; exit 1; }; done
    grep -q 'THIRD-PARTY-NOTICES.txt' <<<\"\$list\" && ! grep 'runtimes/' <<<\"\$list\" | grep -qv 'runtimes/$rid/' &&
    ! grep -qE '\.(dll\.a|lib)\$' <<<\"\$list\""
  ls -l "$native_pkg" | awk -v rid="$rid" '{ printf "     NativeConv.Native.%s: %.1f MB\n", rid, $5 / 1048576 }'
done
win_native="$work/win-x64-package"
unzip -q "$feed/NativeConv.Native.win-x64.$version.nupkg" 'runtimes/*' -d "$win_native"
check "every DLL in the win-x64 package's runtimes/win-x64/native is PE32+ x86-64 importing only Windows' DLLs and its own" \
  "$NC_ROOT/build/check-win-dlls.sh" "$win_native/runtimes/win-x64/native"
check "meta package depends on the three runtime packages" bash -c "
  nuspec=\$(unzip -p '$feed/NativeConv.Native.$version.nupkg' NativeConv.Native.nuspec)
  for rid in ${rids[*]}; do grep -q \"NativeConv.Native.\$rid\" <<<\"\$nuspec\" || exit 1; done"
check "managed package has no native files" bash -c "! unzip -l '$managed_pkg' | grep -qE '\.so|runtimes/|nativeconv_(dnnl|xnnpack)\.dll|lib(gomp|gcc_s_seh|winpthread)-1\.dll'"

cat > "$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="nativeconv-local" value="$feed" />
  </packageSources>
</configuration>
CONFIG
cd "$work"
dotnet new console -n Consumer -o app >/dev/null
cd app
nc_log "dotnet add package NativeConv --version $version"
dotnet add package NativeConv --version "$version" >/dev/null
cat > Program.cs <<'PROGRAM'
using NativeConv;

// Integer-valued data: every backend must give exactly the same numbers.
var r = new Random(5);
float[] Ints(int n) => Enumerable.Range(0, n).Select(_ => (float)r.Next(-3, 4)).ToArray();
float[] dw = Ints(32 * 9), pw = Ints(64 * 32), image = Ints(32 * 28 * 28);
using var backends = new ConvBackends(new NativeConvOptions { Threads = 2 });
float[] Run(string backend)
{
    using var block = new DepthwiseSeparableConv2d(32, 64, 3, dw, [], pw, [], backends.Get(backend),
        new DepthwiseSeparableOptions { Padding = 1 });
    var y = new float[block.Geometry(1, 28, 28).OutputLength];
    block.Forward(image, y, 1, 28, 28);
    return y;
}
float[] reference = Run("reference");
bool same = Run("onednn").SequenceEqual(reference) && Run("xnnpack").SequenceEqual(reference);
foreach (var (library, path) in NativeConv.Interop.NativeLibrarySearch.LoadedFrom) Console.WriteLine($"loaded {library} from {path}");
Console.WriteLine(same ? "consumer: ok" : "consumer: MISMATCH");
return same ? 0 : 1;
PROGRAM
nc_log "dotnet run"
check "dotnet run: both native backends equal the reference" bash -c "dotnet run -c Release | tee run.txt | grep -q 'consumer: ok'"
check "dotnet run: libraries loaded from the package's runtimes folder" \
  bash -c "grep -q 'loaded nativeconv_dnnl from .*/runtimes/linux-x64/native/libnativeconv_dnnl.so.3' run.txt && grep -q 'loaded nativeconv_xnnpack from .*/runtimes/linux-x64/native/' run.txt"
nc_log "dotnet publish -r linux-x64 --self-contained"
dotnet publish -c Release -r linux-x64 --self-contained -o "$work/published" >/dev/null
check "self-contained app run from another folder" bash -c "cd / && '$work/published/Consumer' | tee '$work/published.txt' | grep -q 'consumer: ok'"
check "self-contained app loads its own copies" bash -c "grep -q 'loaded nativeconv_dnnl from $work/published/' '$work/published.txt'"
nc_log "dotnet restore/publish -r linux-arm64 --self-contained"
check "restore for linux-arm64" dotnet restore -r linux-arm64
dotnet publish -c Release -r linux-arm64 --self-contained -o "$work/published-arm64" >/dev/null
check "linux-arm64 publish carries the arm64 libraries" bash -c "
  for f in libnativeconv_dnnl.so.3 libnativeconv_xnnpack.so.0 libgomp.so.1 Consumer; do
    readelf -h '$work/published-arm64/'\$f | grep -q 'Machine:[[:space:]]*AArch64' || exit 1; done"
# Not run under qemu here: the consumer's separable block plans its network, whose fingerprint is a SHA-256
# (System.Security.Cryptography -> the arm64 OpenSSL), and the cross sysroot has no arm64 libssl (Debian's
# multiarch libc6:arm64 is a newer build than the cross loader, and mixing them hangs). The same managed
# code and libraries run under qemu in build/emulated-arm64-test.sh.
check "every shared library of the linux-arm64 publish is AArch64 (no x64 copies)" bash -c "
  ! ls -d '$work/published-arm64/runtimes' 2>/dev/null && for f in '$work/published-arm64/'*.so*; do
    readelf -h \"\$f\" | grep -q 'Machine:[[:space:]]*AArch64' || { echo \"not AArch64: \$f\"; exit 1; }; done"
nc_log "dotnet publish -r win-x64 --self-contained, run under Wine"
dotnet publish -c Release -r win-x64 --self-contained -o "$work/published-win" >/dev/null
check "win-x64 publish carries the package's DLLs beside the app" bash -c "
  for f in nativeconv_dnnl.dll nativeconv_xnnpack.dll libgomp-1.dll libgcc_s_seh-1.dll libwinpthread-1.dll Consumer.exe; do
    objdump -f '$work/published-win/'\$f | grep -q 'file format pei-x86-64' || { echo \"not PE32+ x86-64: \$f\"; exit 1; }; done"
check "win-x64 app under Wine: both native backends equal the reference" \
  bash -c "cd / && '$NC_ROOT/build/wine-run.sh' '$work/published-win/Consumer.exe' | tee '$work/published-win.txt' | grep -q 'consumer: ok'"
check "win-x64 app loads its own copies, under their Windows names" bash -c "
  grep -q 'loaded nativeconv_dnnl from .*published-win.nativeconv_dnnl.dll' '$work/published-win.txt' &&
  grep -q 'loaded nativeconv_xnnpack from .*published-win.nativeconv_xnnpack.dll' '$work/published-win.txt' &&
  grep -q 'loaded gomp from .*published-win.libgomp-1.dll' '$work/published-win.txt'"
cat run.txt "$work/published.txt" "$work/published-win.txt" | grep loaded | sed 's/^/     /'
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
