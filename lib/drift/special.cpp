// SPDX-License-Identifier: MIT
// The distributions behind the p-values. chi2.sf is Boost.Math's regularized incomplete gamma
// (a packaged library); the finite-n Kolmogorov distribution is written here because no
// packaged library has scipy's kstwo (Boost's kolmogorov_smirnov_distribution is the
// limiting law only, which differs from scipy's numbers at moderate n). It follows the
// algorithm selection of Simard & L'Ecuyer (2011), as scipy.stats._ksstats does, so the
// numbers agree with scipy's to the precision of each method.
#include <mlops/drift.hpp>

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace mlops::drift {
namespace {

using IgnoreErrors = boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::ignore_error>,
                                                   boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
                                                   boost::math::policies::underflow_error<boost::math::policies::ignore_error>,
                                                   boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

constexpr int k_e128 = 128;
const double k_ep128 = std::ldexp(1.0, k_e128);
const double k_em128 = std::ldexp(1.0, -k_e128);
constexpr double k_pi = std::numbers::pi;
constexpr double k_pi2 = k_pi * k_pi;
constexpr double k_pi4 = k_pi2 * k_pi2;
constexpr double k_pi6 = k_pi4 * k_pi2;
const double k_sqrt2pi = std::sqrt(2 * k_pi);
const double k_log2pi = std::log(2 * k_pi);

double clip(double p) { return std::clamp(p, 0.0, 1.0); }

double log_nfactorial_div_n_pow_n(double n) {
  static constexpr double k_stirling[] = {-2.955065359477124183e-2,  6.4102564102564102564e-3, -1.9175269175269175269e-3,
                                          8.4175084175084175084e-4,  -5.952380952380952381e-4, 7.9365079365079365079e-4,
                                          -2.7777777777777777778e-3, 8.3333333333333333333e-2};
  const double rn = 1.0 / n;
  double poly = 0;
  for (double c : k_stirling) poly = poly * (rn / n) + c;
  return std::log(n) / 2 - n + k_log2pi / 2 + rn * poly;
}

// One-sided Smirnov survival function Pr(D+_n >= x), by the Birnbaum-Tingey sum in long
// double and logarithms (every term is positive: no cancellation).
double smirnov(int n, double x) {
  if (x >= 1.0) return 0.0;
  if (x <= 0.0) return 1.0;
  const long double nn = n;
  const long double lx = x;
  const int jmax = static_cast<int>(std::floor(nn * (1.0L - lx)));
  const long double lgn1 = std::lgamma(nn + 1.0L);
  long double sum = 0;
  long double prev = 0;
  for (int j = 0; j <= jmax; ++j) {
    const long double a = lx + j / nn;         // x + j/n
    const long double b = 1.0L - lx - j / nn;  // 1 - x - j/n
    long double term;
    if (b <= 0 && n - j > 0) {
      term = 0;
    } else {
      long double lt = lgn1 - std::lgamma(j + 1.0L) - std::lgamma(nn - j + 1.0L) + (j - 1) * std::log(a) + std::log(lx);
      if (n - j > 0) lt += (nn - j) * std::log(b);
      term = std::exp(lt);
    }
    sum += term;
    if (j > 0 && term < prev && term < sum * 1e-22L) break;  // past the peak and negligible
    prev = term;
  }
  return static_cast<double>(sum);
}

// Pr(D_n <= d): Durbin's matrix, as Marsaglia, Tsang and Wang (2003) compute it.
double kolmogn_dmtw(int n, double d) {
  if (d >= 1.0) return 1.0;
  const double nd = n * d;
  if (nd <= 0.5) return 0.0;
  const int k = static_cast<int>(std::ceil(nd));
  const double h = k - nd;
  const int m = 2 * k - 1;
  std::vector<double> H(static_cast<std::size_t>(m) * m, 0.0), v(m), w(m);
  auto at = [m](std::vector<double>& a, int i, int j) -> double& { return a[static_cast<std::size_t>(i) * m + j]; };
  double fac = 1.0;
  for (int j = 1; j <= m; ++j) {
    v[j - 1] = 1.0 - std::pow(h, j);
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] *= fac;
  }
  const double tt = std::pow(std::max(2 * h - 1.0, 0.0), m) - 2 * std::pow(h, m);
  v[m - 1] = (1.0 + tt) * fac;
  for (int i = 1; i < m; ++i) {
    for (int r = i - 1; r < m; ++r) at(H, r, i) = w[r - (i - 1)];
  }
  for (int r = 0; r < m; ++r) at(H, r, 0) = v[r];
  for (int c = 0; c < m; ++c) at(H, m - 1, c) = v[m - 1 - c];
  std::vector<double> P(static_cast<std::size_t>(m) * m, 0.0), T(P.size());
  for (int i = 0; i < m; ++i) at(P, i, i) = 1.0;
  auto matmul = [&](std::vector<double>& a, std::vector<double>& b, std::vector<double>& out) {
    std::fill(out.begin(), out.end(), 0.0);
    for (int i = 0; i < m; ++i)
      for (int l = 0; l < m; ++l) {
        const double x = at(a, i, l);
        if (x == 0) continue;
        for (int j = 0; j < m; ++j) at(out, i, j) += x * at(b, l, j);
      }
  };
  int nn = n;
  int expnt = 0, hexpnt = 0;
  while (nn > 0) {
    if (nn % 2 != 0) {
      matmul(P, H, T);
      P.swap(T);
      expnt += hexpnt;
    }
    matmul(H, H, T);
    H.swap(T);
    hexpnt *= 2;
    if (std::abs(at(H, k - 1, k - 1)) > k_ep128) {
      for (double& x : H) x /= k_ep128;
      hexpnt += k_e128;
    }
    nn /= 2;
  }
  double p = at(P, k - 1, k - 1);
  for (int i = 1; i <= n; ++i) {
    p = i * p / n;
    if (std::abs(p) < k_em128) {
      p *= k_ep128;
      expnt -= k_e128;
    }
  }
  if (expnt != 0) p = std::ldexp(p, expnt);
  return clip(p);
}

void pomeranz_j1j2(int i, int n, int ll, int ceilf, int roundf, int& j1, int& j2) {
  int a, b;
  if (i == 0) {
    a = -ll - ceilf - 1;
    b = ll + ceilf - 1;
  } else {
    const int ip1div2 = (i + 1) / 2, ip1mod2 = (i + 1) % 2;
    if (ip1mod2 == 0) {
      if (ip1div2 == n + 1) {
        a = n - ll - ceilf - 1;
        b = n + ll + ceilf - 1;
      } else {
        a = ip1div2 - 1 - ll - roundf - 1;
        b = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      a = ip1div2 - 1 - ll - 1;
      b = ip1div2 + ll + roundf - 1;
    }
  }
  j1 = std::max(a + 2, 0);
  j2 = std::min(b, n);
}

// Pr(D_n <= x): Pomeranz's recursion (1974).
double kolmogn_pomeranz(int n, double x) {
  const double t = n * x;
  const int ll = static_cast<int>(std::floor(t));
  const double f = t - ll;
  const double g = std::min(f, 1.0 - f);
  const int ceilf = f > 0 ? 1 : 0;
  const int roundf = f > 0.5 ? 1 : 0;
  const int npwrs = 2 * (ll + 1);
  std::vector<double> gp(npwrs), tgp(npwrs), omp(npwrs);
  gp[0] = tgp[0] = omp[0] = 1.0;
  const double g_n = g / n, tg_n = 2 * g / n, om_n = (1 - 2 * g) / n;
  for (int m = 1; m < npwrs; ++m) {
    gp[m] = gp[m - 1] * g_n / m;
    tgp[m] = tgp[m - 1] * tg_n / m;
    omp[m] = omp[m - 1] * om_n / m;
  }
  std::vector<double> V0(npwrs, 0.0), V1(npwrs, 0.0), conv;
  V1[0] = 1;
  int V0s = 0, V1s = 0;
  int expnt = 0;
  int j1 = 0, j2 = 0;
  pomeranz_j1j2(0, n, ll, ceilf, roundf, j1, j2);
  for (int i = 1; i < 2 * n + 2; ++i) {
    const int k1 = j1;
    std::swap(V0, V1);
    std::swap(V0s, V1s);
    std::fill(V1.begin(), V1.end(), 0.0);
    pomeranz_j1j2(i, n, ll, ceilf, roundf, j1, j2);
    const std::vector<double>& pw = (i == 1 || i == 2 * n + 1) ? gp : (i % 2 != 0 ? tgp : omp);
    const int ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // np.convolve(V0[k1 - V0s : k1 - V0s + ln2], pw[:ln2]), entries [j1 - k1, j2 - k1].
      const int start = k1 - V0s;
      const int la = std::max(0, std::min(npwrs, start + ln2) - start);
      const int lb = std::min(ln2, npwrs);
      const int conv_start = j1 - k1;
      const int conv_len = j2 - j1 + 1;
      double vmax = 0;
      for (int c = 0; c < conv_len; ++c) {
        const int idx = conv_start + c;
        double s = 0;
        for (int a = std::max(0, idx - lb + 1); a <= std::min(idx, la - 1); ++a) s += V0[start + a] * pw[idx - a];
        V1[c] = s;
        vmax = std::max(vmax, s);
      }
      if (vmax > 0 && vmax < k_em128) {
        for (double& v : V1) v *= k_ep128;
        expnt -= k_e128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  double ans = V1[n - V1s];
  for (int m = 1; m <= n; ++m) {
    if (std::abs(ans) > k_ep128) {
      ans *= k_em128;
      expnt += k_e128;
    }
    ans *= m;
  }
  if (expnt != 0) ans = std::ldexp(ans, expnt);
  return clip(ans);
}

// Pr(D_n <= x) by Pelz and Good's asymptotic series (1976).
double kolmogn_pelzgood(int n, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double z = std::sqrt(static_cast<double>(n)) * x;
  const double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
  const double qlog = -k_pi2 / 8 / z2;
  if (qlog < -708) return 0.0;
  double q = std::exp(qlog);
  const double k1a = -z2, k1b = k_pi2 / 4;
  const double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * k_pi2 / 4, k2c = k_pi4 * (1 - 2 * z2) / 16;
  const double k3d = k_pi6 * (5 - 30 * z2) / 64, k3c = k_pi4 * (-60 * z2 + 212 * z4) / 16;
  const double k3b = k_pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * std::pow(z, 8);
  double K[4] = {0, 0, 0, 0};
  const int maxk = static_cast<int>(std::ceil(16 * z / k_pi));
  for (int k = maxk; k > 0; --k) {
    const double m = 2 * k - 1;
    const double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
    const double qp = std::pow(q, 8 * k);
    const double c[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6};
    for (int i = 0; i < 4; ++i) K[i] = K[i] * qp + c[i];
  }
  const double div[4] = {z, 6 * z4, 72 * std::pow(z, 7), 6480 * std::pow(z, 10)};
  for (int i = 0; i < 4; ++i) K[i] = K[i] * q * k_sqrt2pi / div[i];
  q = std::exp(-k_pi2 / 2 / z2);
  double k2extra = 0, k3extra = 0;
  const double sqrt3z = std::sqrt(3.0) * z;
  for (int k = maxk; k > 0; --k) {
    const double ks2 = static_cast<double>(k) * k;
    const double qk = std::pow(q, ks2);
    const double kspi = k_pi * k;
    k2extra += ks2 * qk;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qk;
  }
  K[2] += k2extra * k_pi2 * k_sqrt2pi / (-36 * z3);
  K[3] += k3extra * k_pi2 * k_sqrt2pi / (216 * z6);
  double sum = 0;
  for (int i = 0; i < 4; ++i) sum += K[i] / std::pow(n * 1.0, i / 2.0);
  return sum;
}

}  // namespace

double kstwo_sf(double x, double nd) {
  if (std::isnan(x) || std::isnan(nd) || nd < 1 || nd != std::floor(nd)) return std::nan("");
  if (nd > 2147483647.0) nd = 2147483647.0;
  const int n = static_cast<int>(nd);
  // scipy's support is (0.5/n, 1): outside it the distribution's generic code answers.
  if (x <= 0.5 / n) return 1.0;
  if (x >= 1.0) return 0.0;
  const double t = n * x;
  if (t <= 1.0) {  // Ruben-Gambino
    double prob;
    if (n <= 140) {
      prob = 1.0;
      for (int i = 1; i <= n; ++i) prob *= i * (1.0 / n) * (2 * t - 1);
    } else {
      prob = std::exp(log_nfactorial_div_n_pow_n(n) + n * std::log(2 * t - 1));
    }
    return clip(1.0 - prob);
  }
  if (t >= n - 1) return clip(2 * std::pow(1.0 - x, n));
  if (x >= 0.5) return clip(2 * smirnov(n, x));
  const double nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 0.754693) return clip(1.0 - kolmogn_dmtw(n, x));
    if (nx2 <= 4) return clip(1.0 - kolmogn_pomeranz(n, x));
    return clip(2 * smirnov(n, x));
  }
  if (nx2 >= 370.0) return 0.0;
  if (nx2 >= 2.2) return clip(2 * smirnov(n, x));
  double cdf;
  if (n <= 100000 && n * std::pow(x, 1.5) <= 1.4) cdf = kolmogn_dmtw(n, x);
  else cdf = kolmogn_pelzgood(n, x);
  return clip(1.0 - cdf);
}

double chi2_sf(double x, double dof) {
  if (std::isnan(x) || !(dof > 0)) return std::nan("");
  if (x <= 0) return 1.0;
  if (std::isinf(x)) return 0.0;
  return boost::math::gamma_q(dof / 2, x / 2, IgnoreErrors());
}

double normal_cdf(double a) {  // as Cephes' ndtr, which scipy uses
  const double x = a * std::numbers::sqrt2 / 2;
  const double z = std::abs(x);
  if (z < std::numbers::sqrt2 / 2) return 0.5 + 0.5 * std::erf(x);
  double y = 0.5 * std::erfc(z);
  if (x > 0) y = 1.0 - y;
  return y;
}

}  // namespace mlops::drift
