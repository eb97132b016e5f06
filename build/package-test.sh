#!/usr/bin/env bash
# The packages, as a user would take them: a fresh console app in a temporary folder, whose
# nuget.config adds the local feed to this machine's own package sources, adds NativeConv, runs a
# depthwise-separable block on both native backends and the reference, then does the same as a
# self-contained linux-x64 app started from another folder, and restores and publishes it for
# linux-arm64 (the meta package brings each RID its own libraries). Also checks the packages' contents.
set -euo pipefail
source "$(dirname "$0")/common.sh"
nc_apt_install unzip
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
for rid in linux-x64 linux-arm64; do
  native_pkg="$feed/NativeConv.Native.$rid.$version.nupkg"
  check "native package $rid carries runtimes/$rid/native/*.so and license texts" bash -c "
    unzip -l '$native_pkg' | grep -q 'runtimes/$rid/native/libnativeconv_dnnl.so.3' &&
    unzip -l '$native_pkg' | grep -q 'runtimes/$rid/native/libnativeconv_xnnpack.so.0' &&
    unzip -l '$native_pkg' | grep -q 'runtimes/$rid/native/libgomp.so.1' &&
    unzip -l '$native_pkg' | grep -q 'licenses/libgomp.txt' &&
    unzip -l '$native_pkg' | grep -q 'licenses/onednn.txt' && unzip -l '$native_pkg' | grep -q 'THIRD-PARTY-NOTICES.txt' &&
    ! unzip -l '$native_pkg' | grep 'runtimes/' | grep -qv 'runtimes/$rid/'"
  ls -l "$native_pkg" | awk -v rid="$rid" '{ printf "     NativeConv.Native.%s: %.1f MB\n", rid, $5 / 1048576 }'
done
check "meta package depends on both runtime packages" bash -c "
  unzip -p '$feed/NativeConv.Native.$version.nupkg' NativeConv.Native.nuspec | grep -q 'NativeConv.Native.linux-x64' &&
  unzip -p '$feed/NativeConv.Native.$version.nupkg' NativeConv.Native.nuspec | grep -q 'NativeConv.Native.linux-arm64'"
check "managed package has no native files" bash -c "! unzip -l '$managed_pkg' | grep -qE '\.so|runtimes/'"

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
cat run.txt "$work/published.txt" | grep loaded | sed 's/^/     /'
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
