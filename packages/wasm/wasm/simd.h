/* SIMD types and vector math shared by every kernel (included once, by recurrence.c). */
#include <wasm_simd128.h>

typedef float f32;
typedef v128_t vec;

#define PANEL 8 /* columns per packed panel: two f32x4 vectors */
/* Below this many rows, a product reads a weight row by row instead of packing it. */
#define FEW_ROWS 4

static inline vec splat(f32 x) { return wasm_f32x4_splat(x); }

/*
 * a·b + c, the step of every product. Plain SIMD has only a multiply and an add; the relaxed-SIMD
 * build (GATED_RELAXED) uses f32x4.relaxed_madd, which engines run as one fused multiply-add
 * where the hardware has one (x86-64 with FMA3, arm64) and as the two instructions elsewhere.
 */
static inline vec madd(vec a, vec b, vec c) {
#ifdef GATED_RELAXED
  return wasm_f32x4_relaxed_madd(a, b, c);
#else
  return wasm_f32x4_add(wasm_f32x4_mul(a, b), c);
#endif
}

/* ---------------------------------------------------------------------------------------------
 * Elementwise functions, four lanes at a time.
 * exp: x = n ln2 + r with |r| <= ln2 / 2, e^r = 1 + r + r²·q(r) with q of degree 5, 2^n built in
 * the exponent bits; the argument is clamped to [-87, 88]. Relative error at most 1.2e-7 against
 * double precision on 2^20 points of [-20, 20] (measured).
 * n is rounded by adding 1.5 * 2^23, which leaves n + 2^22 + 2^23 in the float's low mantissa
 * bits: adding 127 to those bits and shifting by 23 gives the bits of 2^n directly (the high bits
 * shift out), cheaper than wasm's rounding and saturating conversion instructions.
 * Polynomials are evaluated in Estrin's scheme (pairs of terms first, then powers of r²), not
 * Horner's: the chain of dependent multiply-adds is 4 deep instead of 6, and gate math is bound
 * by that latency, not by the number of instructions (sigmoid 7.8 → 4.7 ns and tanh 12.5 →
 * 8.9 ns per vector in the relaxed build on an AMD EPYC core).
 */
static inline vec v_exp(vec x) {
  const vec magic = splat(12582912.0f); /* 1.5 * 2^23 */
  /* pmin/pmax are single instructions; wasm's min/max add NaN and -0 handling we do not need */
  x = wasm_f32x4_pmin(wasm_f32x4_pmax(x, splat(-87.0f)), splat(88.0f));
  vec shifted = madd(x, splat(1.44269504088896341f), magic);
  vec n = wasm_f32x4_sub(shifted, magic);
  /* ln2 split in two so that n * ln2_hi is exact */
  vec r = madd(n, splat(-0.693359375f), x);
  r = madd(n, splat(2.12194440e-4f), r);
  vec r2 = wasm_f32x4_mul(r, r);
  vec q01 = madd(splat(1.6666665459e-1f), r, splat(5.0000001201e-1f));
  vec q23 = madd(splat(8.3334519073e-3f), r, splat(4.1665795894e-2f));
  vec q45 = madd(splat(1.9875691500e-4f), r, splat(1.3981999507e-3f));
  vec q = madd(madd(q45, r2, q23), r2, q01);
  vec y = madd(q, r2, wasm_f32x4_add(r, splat(1.0f)));
  vec scale = wasm_i32x4_shl(wasm_i32x4_add(shifted, wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(y, scale);
}

static inline vec v_sigmoid(vec x) {
  vec one = splat(1.0f);
  return wasm_f32x4_div(one, wasm_f32x4_add(one, v_exp(wasm_f32x4_neg(x))));
}

/*
 * tanh: an odd polynomial below |x| = 0.625 (where 1 - 2/(e^2x + 1) would lose digits to
 * cancellation), 1 - 2/(e^2|x| + 1) with the sign restored above.
 */
static inline vec v_tanh(vec x) {
  vec ax = wasm_f32x4_abs(x);
  vec z = wasm_f32x4_mul(x, x), z2 = wasm_f32x4_mul(z, z);
  vec p01 = madd(splat(1.33314422036e-1f), z, splat(-3.33332819422e-1f));
  vec p23 = madd(splat(2.06390887954e-2f), z, splat(-5.37397155531e-2f));
  vec p = madd(madd(splat(-5.70498872745e-3f), z2, p23), z2, p01);
  vec small = madd(wasm_f32x4_mul(p, z), x, x);
  vec e = v_exp(wasm_f32x4_add(ax, ax));
  vec large = wasm_f32x4_sub(splat(1.0f), wasm_f32x4_div(splat(2.0f), wasm_f32x4_add(e, splat(1.0f))));
  vec sign = wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000));
  large = wasm_v128_or(large, sign);
  return wasm_v128_bitselect(small, large, wasm_f32x4_lt(ax, splat(0.625f)));
}

static inline vec v_relu(vec x) { return wasm_f32x4_pmax(x, splat(0.0f)); }

/* Lane 0 of a vector function, for the tails of rows whose width is not a multiple of 4. */
#define SCALAR(fn, x) wasm_f32x4_extract_lane(fn(splat(x)), 0)

static inline vec load(const f32 *p) { return wasm_v128_load(p); }
static inline void store(f32 *p, vec v) { wasm_v128_store(p, v); }

static void copy(f32 *to, const f32 *from, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) store(to + i, load(from + i));
  for (; i < n; i++) to[i] = from[i];
}

