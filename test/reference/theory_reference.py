"""Independent reference values for test/theory.test.ts (run once: python3 test/reference/theory_reference.py).

Nothing here shares code with src/theory: the ridge and gradient-flow risks are integrals over the
Marchenko–Pastur density taken with scipy.integrate.quad directly from their definitions
(bias r²λ²∫(s+λ)⁻²dμ + σ²γ∫s(s+λ)⁻²dμ for ridge; r²∫e^{−2st}dμ + σ²γ∫(1−e^{−st})²/s dμ for gradient
flow), and the Mei–Montanari risk is checked against Monte Carlo with numpy.linalg.lstsq
(x ~ N(0, I_d), ReLU features of unit-norm directions, excess risk on fresh points).
"""
import json
import numpy as np
from scipy import integrate


def mp_integral(f, gamma):
    """∫ f(s) dμ_γ(s) over the continuous part of the Marchenko–Pastur law (ratio γ, variance 1).

    Substituting s = lo + u² removes the square-root edge (and, at γ = 1, the 1/√s pole), so quad
    sees a smooth integrand; breakpoints near u = 0 resolve e^{−st} for large t.
    """
    lo, hi = (1 - np.sqrt(gamma)) ** 2, (1 + np.sqrt(gamma)) ** 2

    def g(u):
        s = lo + u * u
        if s <= 0:
            return 0.0
        return f(s) * 2 * u * u * np.sqrt(max(hi - s, 0.0)) / (2 * np.pi * gamma * s)

    top = np.sqrt(hi - lo)
    points = [top * 10.0 ** (-k) for k in range(1, 7)]
    val, _ = integrate.quad(g, 0, top, points=points, limit=5000, epsabs=1e-15, epsrel=1e-13)
    return val


def ridge_mp(gamma, lam, r, sigma):
    atom = max(0.0, 1 - 1 / gamma)  # zero eigenvalues: bias r²λ²/λ² = r² each
    bias = r * r * (lam * lam * mp_integral(lambda s: 1 / (s + lam) ** 2, gamma) + atom)
    var = sigma * sigma * gamma * mp_integral(lambda s: s / (s + lam) ** 2, gamma)
    return bias + var


def gf_mp(gamma, t, r, sigma):
    atom = max(0.0, 1 - 1 / gamma)
    bias = r * r * (mp_integral(lambda s: np.exp(-2 * s * t), gamma) + atom)
    var = sigma * sigma * gamma * mp_integral(lambda s: (-np.expm1(-s * t)) ** 2 / s, gamma)
    return bias + var


def mm_formula(psi1, psi2, F1, tau):
    mu1, mus2 = 0.5, 0.25 - 1 / (2 * np.pi)
    z = mu1 / np.sqrt(mus2)
    z2 = z * z
    psi = min(psi1, psi2)
    a = psi * z2 - z2 - 1
    chi = -(a + np.sqrt(a * a + 4 * psi * z2)) / (2 * z2)
    p1, p2 = psi1, psi2
    E0 = (-chi**5 * z**6 + 3 * chi**4 * z**4 + (p1 * p2 - p1 - p2 + 1) * chi**3 * z**6
          - 2 * chi**3 * z**4 - 3 * chi**3 * z2 + (p1 + p2 - 3 * p1 * p2 + 1) * chi**2 * z**4
          + 2 * chi**2 * z2 + chi**2 + 3 * p1 * p2 * chi * z2 - p1 * p2)
    E1 = p2 * chi**3 * z**4 - p2 * chi**2 * z2 + p1 * p2 * chi * z2 - p1 * p2
    E2 = (chi**5 * z**6 - 3 * chi**4 * z**4 + (p1 - 1) * chi**3 * z**6 + 2 * chi**3 * z**4
          + 3 * chi**3 * z2 - (p1 + 1) * chi**2 * z**4 - 2 * chi**2 * z2 - chi**2)
    return F1**2 * E1 / E0 + tau**2 * E2 / E0


def mm_monte_carlo(d, psi1, psi2, F1, tau, seeds, n_test=4000):
    n, N = int(round(psi2 * d)), int(round(psi1 * d))
    out = []
    for s in range(seeds):
        rng = np.random.default_rng(1000 + s)
        X, Xt = rng.standard_normal((n, d)), rng.standard_normal((n_test, d))
        b = rng.standard_normal(d)
        b *= F1 / np.linalg.norm(b)
        y = X @ b + tau * rng.standard_normal(n)
        V = rng.standard_normal((N, d))
        V /= np.linalg.norm(V, axis=1, keepdims=True)
        Z, Zt = np.maximum(X @ V.T, 0), np.maximum(Xt @ V.T, 0)
        a = np.linalg.lstsq(Z, y, rcond=None)[0]
        out.append(np.mean((Zt @ a - Xt @ b) ** 2))
    out = np.array(out)
    return float(out.mean()), float(out.std(ddof=1) / np.sqrt(seeds))


r, sigma = 1.0, 0.5
ref = {
    "ridge": [
        {"gamma": g, "lambda": l, "r": rr, "sigma": ss, "risk": ridge_mp(g, l, rr, ss)}
        for (g, l, rr, ss) in [(0.5, 0.1, 1, 0.5), (1.0, 0.1, 1, 0.5), (2.0, 0.01, 1, 0.5), (2.0, 1.0, 1, 0.5),
                               (0.3, 2.0, 2, 1), (4.0, 0.5, 2, 1), (1.0, 0.25, 1, 0.5), (0.9, 1e-3, 1, 0.5)]
    ],
    "gradientFlow": [
        {"gamma": g, "t": t, "r": r, "sigma": sigma, "risk": gf_mp(g, t, r, sigma)}
        for (g, t) in [(0.5, 1), (0.5, 10), (0.5, 1000), (1.0, 1), (1.0, 100), (1.0, 1e4), (2.0, 3), (2.0, 1e3),
                       (0.9, 50), (3.0, 0.1), (0.99, 10), (1.01, 1000)]
    ],
    "meiMontanari": [
        {"psi1": p1, "psi2": 3.0, "F1": 1.0, "tau": tau, "risk": mm_formula(p1, 3.0, 1.0, tau)}
        for p1 in [0.5, 1.5, 2.5, 4.0, 6.0, 10.0, 20.0] for tau in [0.0, 0.5]
    ],
}
ref["meiMontanariMonteCarlo"] = [
    dict(zip(("psi1", "psi2", "F1", "tau", "d", "seeds"), (p1, 3.0, 1.0, 0.5, 200, 8)),
         **dict(zip(("mean", "se"), mm_monte_carlo(200, p1, 3.0, 1.0, 0.5, 8))))
    for p1 in [0.5, 1.5, 6.0]
]
print(json.dumps(ref, indent=1))
