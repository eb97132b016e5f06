#!/usr/bin/env bash
# The packages, as a user would take them: a fresh console app in a temporary folder, whose
# nuget.config adds the local feed to this machine's own package sources, adds NativeConv, runs a
# depthwise-separable block on both native backends and the reference, then does the same as a
# self-contained linux-x64 app started from another folder. Also checks the packages' contents.
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

native_pkg="$feed/NativeConv.Native.linux-x64.$version.nupkg"
managed_pkg="$feed/NativeConv.$version.nupkg"
check "native package carries runtimes/linux-x64/native/*.so and license texts" bash -c "
  unzip -l '$native_pkg' | grep -q 'runtimes/linux-x64/native/libnativeconv_dnnl.so.3' &&
  unzip -l '$native_pkg' | grep -q 'runtimes/linux-x64/native/libnativeconv_xnnpack.so.0' &&
  unzip -l '$native_pkg' | grep -q 'licenses/onednn.txt' && unzip -l '$native_pkg' | grep -q 'THIRD-PARTY-NOTICES.txt'"
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
cat run.txt "$work/published.txt" | grep loaded | sed 's/^/     /'
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
