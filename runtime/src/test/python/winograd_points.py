"""Why F(4x4, 3x3) Winograd uses the points 0, 1, -1, 1/2, -2 (and infinity): rounding error by choice of points.

Builds the Toom-Cook matrices (A^T, G, B^T) of F(m, 3) for a set of interpolation points, checks that they
compute the correlation exactly in rational arithmetic, then simulates one output tile of a layer in float32
(the transformed weights rounded once from double, the input transform, a float32 sum over the input channels,
the output transform) and reports the largest error against a float64 direct convolution, in units of
sqrt(terms), the size of such a sum. It prints the matrices of the chosen points, which Winograd.LARGE_G and
VectorKernels.winogradInput6 / winogradOutput6 spell out.

    /usr/bin/python3 runtime/src/test/python/winograd_points.py

Needs numpy only. Measured (64 channels, 30 random tiles each): F(2x2) up to 1.0e-6, F(4x4) with 0, +-1, +-2
up to 1.4e-5, with 0, 1, -1, 1/2, -2 up to 5.1e-6.
"""
from fractions import Fraction

import numpy as np

KERNEL = 3


def matrices(points):
    """A^T (m x n), G (n x 3) and B^T (n x n) of F(m, 3) for n - 1 finite points and infinity, exactly."""
    points = [Fraction(p) for p in points]
    n = len(points) + 1
    m = n - KERNEL + 1
    a_t = [[Fraction(0)] * n for _ in range(m)]
    g = [[Fraction(0)] * KERNEL for _ in range(n)]
    for j, p in enumerate(points):
        scale = Fraction(1)
        for q in points:
            if q != p:
                scale *= p - q
        for i in range(m):
            a_t[i][j] = p ** i
        for k in range(KERNEL):
            g[j][k] = p ** k / scale
    a_t[m - 1][n - 1] = Fraction(1)
    g[n - 1][KERNEL - 1] = Fraction(1)
    # B^T is what makes A^T [(G g) * (B^T d)] the correlation of d with g: solve for it in floating point,
    # then round to the nearest small fractions and check those exactly.
    rows, right = [], []
    for i in range(m):
        for k in range(KERNEL):
            for t in range(n):
                row = np.zeros((n, n))
                for j in range(n):
                    row[j, t] = float(a_t[i][j] * g[j][k])
                rows.append(row.ravel())
                right.append(1.0 if t == i + k else 0.0)
    solution = np.linalg.lstsq(np.array(rows), np.array(right), rcond=None)[0].reshape(n, n)
    b_t = [[Fraction(x).limit_denominator(1000) for x in row] for row in solution]
    check_exact(a_t, g, b_t)
    return a_t, g, b_t


def check_exact(a_t, g, b_t):
    m, n = len(a_t), len(b_t)
    for i in range(m):
        for k in range(KERNEL):
            for t in range(n):
                coefficient = sum(a_t[i][j] * g[j][k] * b_t[j][t] for j in range(n))
                assert coefficient == (1 if t == i + k else 0), "not a correlation"


def largest_error(a_t, g, b_t, channels=64, trials=30, seed=0):
    rng = np.random.default_rng(seed)
    a_t32 = np.array(a_t, dtype=np.float64).astype(np.float32)
    b_t32 = np.array(b_t, dtype=np.float64).astype(np.float32)
    g64 = np.array(g, dtype=np.float64)
    m, n = a_t32.shape
    worst = 0.0
    for _ in range(trials):
        d = rng.standard_normal((channels, n, n)).astype(np.float32)
        w = rng.standard_normal((channels, KERNEL, KERNEL)).astype(np.float32)
        exact = np.array([[np.sum(d[:, i:i + KERNEL, j:j + KERNEL].astype(np.float64) * w)
                           for j in range(m)] for i in range(m)])
        u = np.einsum('ab,cbd,ed->cae', g64, w.astype(np.float64), g64).astype(np.float32)
        v = np.einsum('ab,cbd,ed->cae', b_t32, d, b_t32).astype(np.float32)
        products = np.zeros((n, n), np.float32)
        for c in range(channels):
            products = (products + u[c] * v[c]).astype(np.float32)
        y = (a_t32 @ products @ a_t32.T).astype(np.float32)
        worst = max(worst, np.max(np.abs(y - exact)) / np.sqrt(KERNEL * KERNEL * channels))
    return worst


def main():
    candidates = {
        'F(2x2): 0, 1, -1': [0, 1, -1],
        'F(4x4): 0, 1, -1, 2, -2': [0, 1, -1, 2, -2],
        'F(4x4): 0, 1, -1, 1/2, -1/2': [0, 1, -1, Fraction(1, 2), Fraction(-1, 2)],
        'F(4x4): 0, 1, -1, 1/2, -2': [0, 1, -1, Fraction(1, 2), -2],
    }
    for name, points in candidates.items():
        a_t, g, b_t = matrices(points)
        largest = max(abs(x) for row in b_t for x in row)
        print(f'{name:32s} largest |B^T| {float(largest):5.2f}  error up to '
              f'{largest_error(a_t, g, b_t):.1e} of sqrt(terms)')
    a_t, g, b_t = matrices(candidates['F(4x4): 0, 1, -1, 1/2, -2'])
    for label, matrix in (('A^T', a_t), ('G', g), ('B^T', b_t)):
        print(label)
        for row in matrix:
            print('   ', '  '.join(f'{str(x):>6s}' for x in row))


if __name__ == '__main__':
    main()
