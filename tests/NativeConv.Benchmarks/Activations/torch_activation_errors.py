"""PyTorch's own float32 sigmoid, SiLU, GELU and tanh over every finite float, against the same functions in float64.

The one-off measurement behind the PyTorch cross-checks' bound (TorchCrossCheckTests): PyTorch's float32 result is off
from the exact one by its own kernels' error, which must lie within ActivationErrors (the bound both sides get). Same
statistics as ActivationErrorMeasurement (--activation-errors): k = max |f^ - f| / (u |f|) over results of at least
2^-100 (GELU: x >= 0), c = max |f^ - f| / (u |x|) over GELU's x <= -2^-100, a = the largest error among results below 2^-100,
and non-finite results of finite inputs.

usage: /usr/bin/python3 torch_activation_errors.py      (Debian: python3-torch, python3-numpy; minutes on 2 threads)
"""
import numpy as np
import torch
import torch.nn.functional as F

U = 2.0 ** -24
TINY = 2.0 ** -100
CHUNK = 1 << 24


def measure(name, f, gelu):
    k = k_at = c = c_at = tiny = tiny_at = 0.0
    nonfinite = 0
    for first in range(0, 1 << 32, CHUNK):
        bits = np.arange(first, first + CHUNK, dtype=np.uint64).astype(np.uint32)
        x = bits.view(np.float32).copy()
        x[~np.isfinite(x)] = 0
        t = torch.from_numpy(x)
        y = f(t).double()
        exact = f(t.double())
        finite = torch.isfinite(exact)
        bad = finite & ~torch.isfinite(y)
        nonfinite += int(bad.sum())
        ok = finite & torch.isfinite(y)
        e = (y - exact).abs()
        xd = t.double()
        small = ok & (exact.abs() < TINY) & ~((xd <= -TINY) if gelu else torch.zeros_like(ok))
        if gelu:
            neg = ok & (xd <= -TINY)
            r = torch.where(neg, e / (U * -xd), torch.zeros_like(e))
            i = int(torch.argmax(r))
            if float(r[i]) > c:
                c, c_at = float(r[i]), float(x[i])
            rel = ok & (xd >= 0) & ~small
        else:
            rel = ok & ~small
        r = torch.where(rel, e / (U * exact.abs().clamp_min(TINY)), torch.zeros_like(e))
        i = int(torch.argmax(r))
        if float(r[i]) > k:
            k, k_at = float(r[i]), float(x[i])
        r = torch.where(small, e, torch.zeros_like(e))
        i = int(torch.argmax(r))
        if float(r[i]) > tiny:
            tiny, tiny_at = float(r[i]), float(x[i])
    line = f"  {name:<20} k {k:8.3f} (x = {k_at:.9g})"
    if gelu:
        line += f"  c {c:8.3f} (x = {c_at:.9g})"
    print(line + f"  a {tiny:.3e} (x = {tiny_at:.9g})  non-finite {nonfinite}", flush=True)


def main():
    torch.set_num_threads(2)
    print(f"torch {torch.__version__}, float32 against float64:", flush=True)
    measure("torch.sigmoid", torch.sigmoid, False)
    measure("F.silu", F.silu, False)
    measure("F.gelu", F.gelu, True)
    measure("torch.tanh", torch.tanh, False)


if __name__ == "__main__":
    main()
