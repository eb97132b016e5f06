#!/usr/bin/env bash
# The packages, as a user would take them: a fresh console app in a temporary folder, whose
# nuget.config adds the local feed to this machine's own package sources, adds NativeConv, runs a
# depthwise-separable block and a MobileNet v3-small on both native backends and the reference, then does the same as a
# self-contained linux-x64 app started from another folder, restores and publishes it for linux-arm64
# (the meta package brings each RID its own libraries), publishes it self-contained for win-x64 and runs
# it under Wine (build/wine-run.sh); a second app adds NativeConv.Onnx and runs a small ONNX model exported by
# PyTorch on every backend. Also checks the packages' contents.
set -euo pipefail
source "$(dirname "$0")/common.sh"
nc_apt_install unzip wine64 wine python3-torch python3-numpy
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
onnx_pkg="$feed/NativeConv.Onnx.$version.nupkg"
check "NativeConv.Onnx depends on NativeConv and Google.Protobuf (not on the build-time protoc)" bash -c "
  unzip -p '$onnx_pkg' NativeConv.Onnx.nuspec | grep -q 'dependency id=\"NativeConv\" version=\"$version\"' &&
  unzip -p '$onnx_pkg' NativeConv.Onnx.nuspec | grep -q 'dependency id=\"Google.Protobuf\"' &&
  ! unzip -p '$onnx_pkg' NativeConv.Onnx.nuspec | grep -q 'Grpc.Tools' && unzip -l '$onnx_pkg' | grep -q 'lib/net10.0/NativeConv.Onnx.dll'"

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

// A whole MobileNet v3-small (seeded weights, 64x64) on every backend, each within the first-order bound the graph's
// reference derives (double precision, from the operations' definitions).
NetworkGraph graph = ConvNetwork.GraphOf(MobileNets.Blocks(MobileNetModel.V3Small, new RandomStateDict(1)));
var shape = new TensorShape(1, 3, 64, 64);
float[] x = Enumerable.Range(0, shape.Length).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
ReferenceTensor expected = graph.ReferenceOutputs([ReferenceTensor.Exact(x, shape, TensorLayout.Nchw)])[0];
foreach (string backend in new[] { "reference", "onednn", "xnnpack" })
{
    using var network = new ConvNetwork(graph, backends, new NetworkOptions { Backend = backend });
    var logits = new float[expected.Value.Length];
    network.Forward(x, logits, 1, 64, 64);
    double worst = 0;
    for (int i = 0; i < logits.Length; i++)
        worst = Math.Max(worst, Math.Abs(logits[expected.IndexIn(TensorLayout.Nchw, i)] - expected.Value[i]) / (expected.RelativeBudget * expected.Magnitude[i]));
    bool within = worst <= 1;
    Console.WriteLine($"mobilenet v3-small {backend}: {logits.Length} logits up to {logits.Max(Math.Abs):G3} in size, worst error {worst:E1} of the bound");
    same &= within;
}
foreach (var (library, path) in NativeConv.Interop.NativeLibrarySearch.LoadedFrom) Console.WriteLine($"loaded {library} from {path}");
Console.WriteLine(same ? "consumer: ok" : "consumer: MISMATCH");
return same ? 0 : 1;
PROGRAM
nc_log "dotnet run"
check "dotnet run: both native backends equal the reference on a block, and a MobileNet v3-small within the derived bound on each" bash -c "dotnet run -c Release | tee run.txt | grep -q 'consumer: ok'"
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
check "win-x64 app under Wine: both native backends equal the reference (a block exactly, a MobileNet v3-small within the derived bound)" \
  bash -c "cd / && '$NC_ROOT/build/wine-run.sh' '$work/published-win/Consumer.exe' | tee '$work/published-win.txt' | grep -q 'consumer: ok'"
check "win-x64 app loads its own copies, under their Windows names" bash -c "
  grep -q 'loaded nativeconv_dnnl from .*published-win.nativeconv_dnnl.dll' '$work/published-win.txt' &&
  grep -q 'loaded nativeconv_xnnpack from .*published-win.nativeconv_xnnpack.dll' '$work/published-win.txt' &&
  grep -q 'loaded gomp from .*published-win.libgomp-1.dll' '$work/published-win.txt'"

# NativeConv.Onnx as a user takes it: a model exported by torch.onnx.export (integer weights and input, a 4x4
# pool: every backend's float32 result is exact, so all must be equal), run by name and with Forward.
nc_log "NativeConv.Onnx: a PyTorch export run from the package"
/usr/bin/python3 - "$work/tiny.onnx" <<'PYTHON'
import sys
import torch
from torch import nn


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(torch.relu(self.conv(x)), 1), 1))


model = Tiny().eval()
generator = torch.Generator().manual_seed(5)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.randint(-3, 4, p.shape, generator=generator).float())
    torch.onnx.export(model, torch.zeros(1, 3, 4, 4), sys.argv[1], opset_version=13, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
PYTHON
cd "$work"
dotnet new console -n OnnxConsumer -o onnx-app >/dev/null
cd onnx-app
dotnet add package NativeConv.Onnx --version "$version" >/dev/null
cat > Program.cs <<'PROGRAM'
using NativeConv;
using NativeConv.Onnx;

var r = new Random(5);
float[] image = Enumerable.Range(0, 2 * 3 * 4 * 4).Select(_ => (float)r.Next(-3, 4)).ToArray();
float[] Run(string backend)
{
    using var model = OnnxModel.Load(args[0], new OnnxModelOptions { Network = new NetworkOptions { Backend = backend } });
    float[] byName = model.Run(new Dictionary<string, OnnxTensor> { ["image"] = new(image, [2, 3, 4, 4]) })["logits"].Data.ToArray();
    var forward = new float[8];
    model.Forward(image, [2, 3, 4, 4], forward);
    if (!byName.SequenceEqual(forward)) throw new InvalidOperationException($"{backend}: Run and Forward differ");
    Console.WriteLine($"{backend}: {model.Inputs[0]} -> {model.Outputs[0]}: {string.Join(" ", byName)}");
    return byName;
}
float[] reference = Run("reference");
bool same = Run("onednn").SequenceEqual(reference) && Run("xnnpack").SequenceEqual(reference) && reference.Any(v => v != 0);
Console.WriteLine(same ? "onnx consumer: ok" : "onnx consumer: MISMATCH");
return same ? 0 : 1;
PROGRAM
check "NativeConv.Onnx: a PyTorch export gives the same logits on every backend, by name and with Forward" \
  bash -c "dotnet run -c Release -- '$work/tiny.onnx' | tee onnx-run.txt | grep -q 'onnx consumer: ok'"
sed 's/^/     /' onnx-run.txt
cat "$work/app/run.txt" "$work/published.txt" "$work/published-win.txt" | grep -E "loaded|mobilenet" | sed 's/^/     /'
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
