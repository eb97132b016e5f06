"""The derivation of the managed tanh and GELU kernels' coefficients (src/NativeConv/Backends/RationalTanh.cs,
RationalGelu.cs): odd rationals x*P(x^2)/Q(x^2), Q(0) = 1, fitted in mpmath's 40-digit arithmetic for the least maximum
relative error on Chebyshev nodes of [0, limit], by linearized least squares (Loeb) with Lawson's reweighting toward
minimax. Prints the maximum relative error in exact arithmetic and the coefficients; the float evaluation's own error is
measured over every float by ActivationErrorMeasurement (--activation-errors).

usage: /usr/bin/python3 fit_rational.py tanh 4 4     tanh(x) on [0, 9.1] (degree 4 in x^2 over degree 4)
       /usr/bin/python3 fit_rational.py phi 5 5      erf(x/sqrt(2)) on [0, 5.6] (degree 5 over degree 5)
(Debian: python3-mpmath; about half a minute each)
"""
import sys

import mpmath as mp

mp.mp.dps = 40


def fit(f, c, np_, nq, n=600, iters=60):
    xs = [c * (1 - mp.cos(mp.pi * (i + 0.5) / n)) / 2 for i in range(n)]
    xs = [x for x in xs if x > 0]
    fs = [f(x) for x in xs]
    w = [mp.mpf(1)] * len(xs)
    qprev = [mp.mpf(1)] * len(xs)
    s = c * c  # in t = x^2 / s, so the basis stays well conditioned
    best = None
    for _ in range(iters):
        # unknowns p0..p_np, q1..q_nq; residual (x P(t) - f Q(t)) / (f Qprev(t)), weighted
        rows, rhs = [], []
        for x, fx, wi, qp in zip(xs, fs, w, qprev):
            t = x * x / s
            scale = mp.sqrt(wi) / (fx * qp)
            rows.append([x * t**k * scale for k in range(np_ + 1)] + [-fx * t**k * scale for k in range(1, nq + 1)])
            rhs.append(fx * scale)
        sol = mp.qr_solve(mp.matrix(rows), mp.matrix(rhs))[0]
        p = [sol[k] for k in range(np_ + 1)]
        q = [mp.mpf(1)] + [sol[np_ + k] for k in range(1, nq + 1)]
        errs = []
        for x, fx in zip(xs, fs):
            t = x * x / s
            errs.append(abs(x * sum(p[k] * t**k for k in range(np_ + 1)) / sum(q[k] * t**k for k in range(nq + 1)) - fx) / fx)
        if best is None or max(errs) < best[0]:
            best = (max(errs), p, q)
        total = sum(wi * e for wi, e in zip(w, errs))
        w = [wi * e / total * len(w) for wi, e in zip(w, errs)]  # Lawson: weight where the error is large
        qprev = [sum(q[k] * (x * x / s)**k for k in range(nq + 1)) for x in xs]
    m, p, q = best
    return m, [p[k] / s**k for k in range(np_ + 1)], [q[k] / s**k for k in range(nq + 1)]


def main(which, np_, nq):
    if which == "tanh":
        m, p, q = fit(mp.tanh, mp.mpf("9.1"), np_, nq)
    elif which == "phi":
        m, p, q = fit(lambda x: mp.erf(x / mp.sqrt(2)), mp.mpf("5.6"), np_, nq)
    else:
        raise SystemExit(f"unknown function {which}: tanh or phi")
    print(which, "max relative error (exact arithmetic)", mp.nstr(m, 5))
    print("P", [mp.nstr(v, 17) for v in p])
    print("Q", [mp.nstr(v, 17) for v in q])


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
