/*
 * The time loops of the LSTM, GRU and Elman RNN, forward and backward, as WebAssembly SIMD.
 *
 * This module imports the memory of tfjs-backend-wasm and works on its tensors in place: every
 * pointer argument is a byte offset into that heap, handed over by the kernels registered in
 * wasm-recurrence.ts. It owns no memory of its own: no data segments, no use of the C stack in
 * linear memory (checked by scripts/build-wasm.sh), so nothing it does can touch the heap except
 * through the pointers it is given.
 *
 * One call runs a whole sequence, so the per-step cost is arithmetic only: one recurrent product
 * (a register-blocked 4×8 kernel over weights packed into 8-column panels) and one pass of gate
 * math. Gate layouts follow PyTorch: LSTM i, f, g, o; GRU r, z, n.
 *
 * Build: packages/cells/scripts/build-wasm.sh (clang with the wasm32 target).
 */
#include <wasm_simd128.h>

typedef float f32;
typedef v128_t vec;

#define PANEL 8 /* columns per packed panel: two f32x4 vectors */
/* Below this many rows, a product reads a weight row by row instead of packing it. */
#define FEW_ROWS 4

static inline vec splat(f32 x) { return wasm_f32x4_splat(x); }

/* ---------------------------------------------------------------------------------------------
 * Elementwise functions, four lanes at a time.
 * exp: x = n ln2 + r with |r| <= ln2 / 2, e^r by a degree-6 polynomial, 2^n built in the
 * exponent bits. Relative error about 2e-7 over the clamped range [-87, 88].
 * n is rounded by adding 1.5 * 2^23, which leaves n + 2^22 + 2^23 in the float's low mantissa
 * bits: adding 127 to those bits and shifting by 23 gives the bits of 2^n directly (the high bits
 * shift out), cheaper than wasm's rounding and saturating conversion instructions.
 */
static inline vec v_exp(vec x) {
  const vec magic = splat(12582912.0f); /* 1.5 * 2^23 */
  /* pmin/pmax are single instructions; wasm's min/max add NaN and -0 handling we do not need */
  x = wasm_f32x4_pmin(wasm_f32x4_pmax(x, splat(-87.0f)), splat(88.0f));
  vec shifted = wasm_f32x4_add(wasm_f32x4_mul(x, splat(1.44269504088896341f)), magic);
  vec n = wasm_f32x4_sub(shifted, magic);
  /* ln2 split in two so that n * ln2_hi is exact */
  vec r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, splat(-2.12194440e-4f)));
  vec p = splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(5.0000001201e-1f));
  vec y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), splat(1.0f));
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
  vec z = wasm_f32x4_mul(x, x);
  vec p = splat(-5.70498872745e-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), splat(2.06390887954e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), splat(-5.37397155531e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), splat(1.33314422036e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), splat(-3.33332819422e-1f));
  vec small = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, z), x), x);
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

/* ---------------------------------------------------------------------------------------------
 * Products.
 *
 * pack_strided writes B [K, N] (or Bᵀ when `transposed`, B given as [N, K]) as ceil(N / 8) panels
 * of [K, 8], zero-padded on the right, so that the product kernel reads each panel contiguously.
 * Consecutive rows of the matrix as given are `ld` floats apart, so that a block of columns (or
 * rows) of a larger matrix can be packed where it lies.
 */
static void pack_strided(int K, int N, const f32 *b, int ld, int transposed, f32 *packed) {
  int panels = (N + PANEL - 1) / PANEL;
  for (int p = 0; p < panels; p++) {
    f32 *out = packed + p * K * PANEL;
    for (int k = 0; k < K; k++) {
      for (int j = 0; j < PANEL; j++) {
        int col = p * PANEL + j;
        f32 v = 0.0f;
        if (col < N) v = transposed ? b[col * ld + k] : b[k * ld + col];
        out[k * PANEL + j] = v;
      }
    }
  }
}

/* pack_strided for a whole matrix: rows K (or, transposed, N) floats apart. */
__attribute__((export_name("pack_panels"))) void pack_panels(int K, int N, const f32 *b,
                                                             int transposed, f32 *packed) {
  pack_strided(K, N, b, transposed ? K : N, transposed, packed);
}

/* out[0, width) = lo:hi + init[0, width) (init may be null); width <= 8. */
static inline void finish_row(f32 *out, vec lo, vec hi, const f32 *init, int width) {
  if (width == PANEL) {
    if (init) {
      lo = wasm_f32x4_add(lo, load(init));
      hi = wasm_f32x4_add(hi, load(init + 4));
    }
    store(out, lo);
    store(out + 4, hi);
    return;
  }
  /* Lanes need constant indices: one test per column (no table, no stack). */
#define COLUMN(j, v, l)                                                                          \
  if (width > j) out[j] = wasm_f32x4_extract_lane(v, l) + (init ? init[j] : 0.0f);
  COLUMN(0, lo, 0) COLUMN(1, lo, 1) COLUMN(2, lo, 2) COLUMN(3, lo, 3)
  COLUMN(4, hi, 0) COLUMN(5, hi, 1) COLUMN(6, hi, 2)
#undef COLUMN
}

/*
 * Four rows of C against one panel: out[r][0, width) = init[r] + Σ_k A[r][k] · panel[k].
 * Row r of A starts at a + r·rs and its k-th value is k·ks further (rs = lda, ks = 1 for A as
 * it is; rs = 1, ks = lda for A stored transposed).
 */
static inline void block4(int K, const f32 *a, int rs, int ks, const f32 *bp, f32 *out, int ldc,
                          const f32 *in, int ldi, int width) {
  vec c0l = splat(0), c0h = splat(0), c1l = splat(0), c1h = splat(0);
  vec c2l = splat(0), c2h = splat(0), c3l = splat(0), c3h = splat(0);
  const f32 *a0 = a, *a1 = a + rs, *a2 = a + 2 * rs, *a3 = a + 3 * rs;
  for (int k = 0; k < K; k++) {
    vec bl = load(bp + k * PANEL), bh = load(bp + k * PANEL + 4);
    int at = k * ks;
    vec x0 = splat(a0[at]), x1 = splat(a1[at]), x2 = splat(a2[at]), x3 = splat(a3[at]);
    c0l = wasm_f32x4_add(c0l, wasm_f32x4_mul(x0, bl));
    c0h = wasm_f32x4_add(c0h, wasm_f32x4_mul(x0, bh));
    c1l = wasm_f32x4_add(c1l, wasm_f32x4_mul(x1, bl));
    c1h = wasm_f32x4_add(c1h, wasm_f32x4_mul(x1, bh));
    c2l = wasm_f32x4_add(c2l, wasm_f32x4_mul(x2, bl));
    c2h = wasm_f32x4_add(c2h, wasm_f32x4_mul(x2, bh));
    c3l = wasm_f32x4_add(c3l, wasm_f32x4_mul(x3, bl));
    c3h = wasm_f32x4_add(c3h, wasm_f32x4_mul(x3, bh));
  }
  finish_row(out, c0l, c0h, in, width);
  finish_row(out + ldc, c1l, c1h, in ? in + ldi : 0, width);
  finish_row(out + 2 * ldc, c2l, c2h, in ? in + 2 * ldi : 0, width);
  finish_row(out + 3 * ldc, c3l, c3h, in ? in + 3 * ldi : 0, width);
}

/* One row of C against one panel (the rows left over after blocks of four). */
static inline void block1(int K, const f32 *a, int ks, const f32 *bp, f32 *out, const f32 *in,
                          int width) {
  vec lo = splat(0), hi = splat(0);
  for (int k = 0; k < K; k++) {
    vec x0 = splat(a[k * ks]);
    lo = wasm_f32x4_add(lo, wasm_f32x4_mul(x0, load(bp + k * PANEL)));
    hi = wasm_f32x4_add(hi, wasm_f32x4_mul(x0, load(bp + k * PANEL + 4)));
  }
  finish_row(out, lo, hi, in, width);
}

/*
 * C[M, N] = init + A[M, K] · B, B packed by pack_panels. `init` is a matrix with row stride
 * `ldi` (it may be C itself), a row broadcast to every row when ldi = 0, or none when null.
 * Panels outside, rows inside: a panel ([K, 8], 4 KiB at K = 128) stays in L1 across all rows.
 */
static void product(int M, int N, int K, const f32 *a, int lda, const f32 *packed, f32 *c,
                    int ldc, const f32 *init, int ldi) {
  int panels = (N + PANEL - 1) / PANEL;
  for (int p = 0; p < panels; p++) {
    const f32 *bp = packed + p * K * PANEL;
    int col = p * PANEL;
    int width = N - col < PANEL ? N - col : PANEL;
    const f32 *in = init ? init + col : 0;
    int row = 0;
    for (; row + 4 <= M; row += 4)
      block4(K, a + row * lda, lda, 1, bp, c + row * ldc + col, ldc, in ? in + row * ldi : 0,
             ldi, width);
    for (; row < M; row++)
      block1(K, a + row * lda, 1, bp, c + row * ldc + col, in ? in + row * ldi : 0, width);
  }
}

/*
 * C[M, N] = Aᵀ · B for A stored as [K, M] (row stride lda), B packed: the weight gradients
 * Σ_t dz_tᵀ x_t without transposing dz. Each strip of four columns of A is first copied into
 * `strip` ([K, 4], contiguous: it then stays in L1) and multiplied by every panel.
 */
static void product_at(int M, int N, int K, const f32 *a, int lda, const f32 *packed, f32 *c,
                       f32 *strip) {
  int panels = (N + PANEL - 1) / PANEL;
  int row = 0;
  for (; row + 4 <= M; row += 4) {
    for (int k = 0; k < K; k++) store(strip + 4 * k, load(a + k * lda + row));
    for (int p = 0; p < panels; p++) {
      int col = p * PANEL, width = N - col < PANEL ? N - col : PANEL;
      block4(K, strip, 1, 4, packed + p * K * PANEL, c + row * N + col, N, 0, 0, width);
    }
  }
  for (; row < M; row++)
    for (int p = 0; p < panels; p++) {
      int col = p * PANEL, width = N - col < PANEL ? N - col : PANEL;
      block1(K, a + row, lda, packed + p * K * PANEL, c + row * N + col, 0, width);
    }
}

/*
 * C[M, N] = init + A[M, K] · Wᵀ for W [N, K] read as it is, row by row: a dot product per output.
 * For a few rows (decoding one token) this beats packing W, which costs as much as the product.
 */
static void product_rows(int M, int N, int K, const f32 *a, int lda, const f32 *w, f32 *c,
                         int ldc, const f32 *init, int ldi) {
  for (int row = 0; row < M; row++) {
    const f32 *x = a + row * lda;
    for (int n = 0; n < N; n++) {
      const f32 *wn = w + n * K;
      vec s0 = splat(0), s1 = splat(0);
      int k = 0;
      for (; k + 8 <= K; k += 8) {
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(load(x + k), load(wn + k)));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(load(x + k + 4), load(wn + k + 4)));
      }
      for (; k + 4 <= K; k += 4) s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(load(x + k), load(wn + k)));
      s0 = wasm_f32x4_add(s0, s1);
      f32 sum = wasm_f32x4_extract_lane(s0, 0) + wasm_f32x4_extract_lane(s0, 1) +
                wasm_f32x4_extract_lane(s0, 2) + wasm_f32x4_extract_lane(s0, 3);
      for (; k < K; k++) sum += x[k] * wn[k];
      if (init) sum += init[row * ldi + n];
      c[row * ldc + n] = sum;
    }
  }
}

/*
 * init + A · W_hhᵀ inside a time loop: on the packed panels when the caller packed them
 * (`wt` not null), else row by row from W_hh [N, K] itself.
 */
static void recurrent(int M, int N, int K, const f32 *a, const f32 *wt, const f32 *w, f32 *c,
                      const f32 *init, int ldi) {
  if (wt) product(M, N, K, a, K, wt, c, N, init, ldi);
  else product_rows(M, N, K, a, K, w, c, N, init, ldi);
}

/*
 * One batch row of U LSTM units: z holds the pre-activations of the gates i, f, g, o, each U
 * wide and gs floats after the previous one (replaced by the activations when `keep`); c_in and
 * h_in are the state the step started from, c_out, h_out and out receive the new state and the
 * output (in place allowed), tc (or null) tanh(c'). m is the row's mask: where 0 the state is
 * carried and the output is 0.
 */
static void lstm_row(int U, int gs, f32 *z, int keep, const f32 *c_in, f32 *c_out,
                     const f32 *h_in, f32 *h_out, f32 *out, f32 *tc, f32 m) {
  f32 *i = z, *f = z + gs, *g = z + 2 * gs, *o = z + 3 * gs;
  int j = 0;
  for (; j + 4 <= U; j += 4) {
    vec iv = v_sigmoid(load(i + j)), fv = v_sigmoid(load(f + j));
    vec gv = v_tanh(load(g + j)), ov = v_sigmoid(load(o + j));
    if (keep) {
      store(i + j, iv);
      store(f + j, fv);
      store(g + j, gv);
      store(o + j, ov);
    }
    vec cp = load(c_in + j);
    vec cn = wasm_f32x4_add(wasm_f32x4_mul(fv, cp), wasm_f32x4_mul(iv, gv));
    vec th = v_tanh(cn);
    vec hn = wasm_f32x4_mul(ov, th);
    if (tc) store(tc + j, th);
    if (m == 1.0f) {
      store(c_out + j, cn);
      store(h_out + j, hn);
      store(out + j, hn);
    } else {
      vec mv = splat(m), hold = splat(1.0f - m);
      vec shown = wasm_f32x4_mul(hn, mv);
      vec hp = load(h_in + j);
      store(out + j, shown);
      store(h_out + j, wasm_f32x4_add(shown, wasm_f32x4_mul(hp, hold)));
      store(c_out + j, wasm_f32x4_add(wasm_f32x4_mul(cn, mv), wasm_f32x4_mul(cp, hold)));
    }
  }
  for (; j < U; j++) {
    f32 iv = SCALAR(v_sigmoid, i[j]), fv = SCALAR(v_sigmoid, f[j]);
    f32 gv = SCALAR(v_tanh, g[j]), ov = SCALAR(v_sigmoid, o[j]);
    if (keep) {
      i[j] = iv;
      f[j] = fv;
      g[j] = gv;
      o[j] = ov;
    }
    f32 cp = c_in[j], hp = h_in[j];
    f32 cn = fv * cp + iv * gv;
    f32 th = SCALAR(v_tanh, cn);
    f32 hn = ov * th;
    if (tc) tc[j] = th;
    f32 shown = hn * m;
    out[j] = shown;
    h_out[j] = shown + hp * (1.0f - m);
    c_out[j] = cn * m + cp * (1.0f - m);
  }
}

/*
 * The backward of lstm_row for one batch row of U units. act: the activations i, f, g, o (gs
 * floats apart); dz receives the gradient of the pre-activations in the same layout (it may be
 * act itself: every value is read before its place is written). tc = tanh(c'), cp = the cell
 * state the step started from, dy the gradient of the step's output, dh and dc those flowing in
 * from the next step. Updates dc to the gradient of the cell state the step started from and
 * writes carry, the part of dh that flows past the step where the mask is 0 (the rest of the
 * gradient of h_prev is dz W_hh, added by the caller).
 */
static void lstm_row_backward(int U, int gs, const f32 *act, f32 *dz, const f32 *tc,
                              const f32 *cp, const f32 *dy, const f32 *dh, f32 *dc, f32 *carry,
                              f32 m) {
  const f32 *i = act, *f = act + gs, *g = act + 2 * gs, *o = act + 3 * gs;
  vec mv = splat(m), hold = splat(1.0f - m), one = splat(1.0f);
  int j = 0;
  for (; j + 4 <= U; j += 4) {
    vec dhj = load(dh + j), dcj = load(dc + j);
    vec dnew = wasm_f32x4_mul(wasm_f32x4_add(dhj, load(dy + j)), mv);
    vec ij = load(i + j), fj = load(f + j), gj = load(g + j), oj = load(o + j);
    vec th = load(tc + j);
    vec dct = wasm_f32x4_add(
        wasm_f32x4_mul(dcj, mv),
        wasm_f32x4_mul(wasm_f32x4_mul(dnew, oj), wasm_f32x4_sub(one, wasm_f32x4_mul(th, th))));
    store(dz + j, wasm_f32x4_mul(wasm_f32x4_mul(dct, gj),
                                 wasm_f32x4_mul(ij, wasm_f32x4_sub(one, ij))));
    store(dz + gs + j, wasm_f32x4_mul(wasm_f32x4_mul(dct, load(cp + j)),
                                      wasm_f32x4_mul(fj, wasm_f32x4_sub(one, fj))));
    store(dz + 2 * gs + j, wasm_f32x4_mul(wasm_f32x4_mul(dct, ij),
                                          wasm_f32x4_sub(one, wasm_f32x4_mul(gj, gj))));
    store(dz + 3 * gs + j, wasm_f32x4_mul(wasm_f32x4_mul(dnew, th),
                                          wasm_f32x4_mul(oj, wasm_f32x4_sub(one, oj))));
    store(dc + j, wasm_f32x4_add(wasm_f32x4_mul(dct, fj), wasm_f32x4_mul(dcj, hold)));
    store(carry + j, wasm_f32x4_mul(dhj, hold));
  }
  for (; j < U; j++) {
    f32 ij = i[j], fj = f[j], gj = g[j], oj = o[j], th = tc[j];
    f32 dnew = (dh[j] + dy[j]) * m;
    f32 dct = dc[j] * m + dnew * oj * (1.0f - th * th);
    dz[j] = dct * gj * (ij * (1.0f - ij));
    dz[gs + j] = dct * cp[j] * (fj * (1.0f - fj));
    dz[2 * gs + j] = dct * ij * (1.0f - gj * gj);
    dz[3 * gs + j] = dnew * th * (oj * (1.0f - oj));
    dc[j] = dct * fj + dc[j] * (1.0f - m);
    carry[j] = dh[j] * (1.0f - m);
  }
}

/* ---------------------------------------------------------------------------------------------
 * LSTM (Hochreiter & Schmidhuber 1997; forget gate: Gers et al. 2000).
 *
 * xg [T, B, 4H]: x W_ihᵀ + b_ih + b_hh.  wt: W_hhᵀ packed ([H, 4H]), or null to read
 * w = W_hh [4H, H] row by row (a batch of fewer than FEW_ROWS).  mask [T, B] or null:
 * where it is 0 the state is carried and the output is 0 (packed sequences).
 * Writes out [T, B, H], h_n, c_n [B, H]; when `gates` is not null also what the backward needs:
 * gates [T, B, 4H] (activations i, f, g, o), tanh_c [T, B, H] = tanh(c_t),
 * h_prev, c_prev [T, B, H] (the state each step started from). scratch: [B, 4H] floats.
 */
__attribute__((export_name("lstm_forward"))) void lstm_forward(
    int T, int B, int H, const f32 *xg, const f32 *h0, const f32 *c0, const f32 *wt,
    const f32 *w, const f32 *mask, f32 *out, f32 *h, f32 *c, f32 *gates, f32 *tanh_c, f32 *h_prev,
    f32 *c_prev, f32 *scratch) {
  int G = 4 * H;
  copy(h, h0, B * H);
  copy(c, c0, B * H);
  for (int t = 0; t < T; t++) {
    f32 *z = gates ? gates + t * B * G : scratch;
    f32 *tc = tanh_c ? tanh_c + t * B * H : 0;
    if (gates) {
      copy(h_prev + t * B * H, h, B * H);
      copy(c_prev + t * B * H, c, B * H);
    }
    recurrent(B, G, H, h, wt, w, z, xg + t * B * G, G);
    f32 *o_t = out + t * B * H;
    for (int b = 0; b < B; b++) {
      f32 *hb = h + b * H;
      lstm_row(H, H, z + b * G, gates != 0, c + b * H, c + b * H, hb, hb, o_t + b * H,
               tc ? tc + b * H : 0, mask ? mask[t * B + b] : 1.0f);
    }
  }
}

/*
 * Backpropagation through time of lstm_forward. w: W_hh packed as it is ([4H, H]).
 * d_out [T, B, H], d_h, d_c [B, H]: the incoming gradients (d_h and d_c are updated in place and
 * end as the gradients of h_0 and c_0). Writes dz [T, B, 4H], the gradient of each step's gate
 * pre-activations, which is also the gradient of xg. scratch: [B, H] floats.
 */
__attribute__((export_name("lstm_backward"))) void lstm_backward(
    int T, int B, int H, const f32 *gates, const f32 *tanh_c, const f32 *c_prev,
    const f32 *mask, const f32 *w, const f32 *d_out, f32 *d_h, f32 *d_c, f32 *dz,
    f32 *scratch) {
  int G = 4 * H;
  for (int t = T - 1; t >= 0; t--) {
    f32 *carried = scratch; /* [B, H]: what flows to h_{t-1} besides dz W_hh */
    for (int b = 0; b < B; b++) {
      int at = t * B + b;
      lstm_row_backward(H, H, gates + at * G, dz + at * G, tanh_c + at * H, c_prev + at * H,
                        d_out + at * H, d_h + b * H, d_c + b * H, carried + b * H,
                        mask ? mask[at] : 1.0f);
    }
    product(B, H, G, dz + t * B * G, G, w, d_h, H, carried, H);
  }
}

/*
 * One batch row of U GRU units. x: the input terms x_r, x_z, x_n (xs floats apart); hg: the
 * recurrent terms h_r, h_z, h_n with b_hh (hs floats apart); h_in: the state the step started
 * from; h_out and out receive the new state and the output (in place allowed); keep (or null)
 * receives r, z, n and h_n, ks floats apart. m: the row's mask.
 */
static void gru_row(int U, const f32 *x, int xs, const f32 *hg, int hs, const f32 *h_in,
                    f32 *h_out, f32 *out, f32 *keep, int ks, f32 m) {
  int j = 0;
  for (; j + 4 <= U; j += 4) {
    vec r = v_sigmoid(wasm_f32x4_add(load(x + j), load(hg + j)));
    vec z = v_sigmoid(wasm_f32x4_add(load(x + xs + j), load(hg + hs + j)));
    vec hn = load(hg + 2 * hs + j);
    vec n = v_tanh(wasm_f32x4_add(load(x + 2 * xs + j), wasm_f32x4_mul(r, hn)));
    vec hp = load(h_in + j);
    vec hnew = wasm_f32x4_add(n, wasm_f32x4_mul(z, wasm_f32x4_sub(hp, n)));
    if (keep) {
      store(keep + j, r);
      store(keep + ks + j, z);
      store(keep + 2 * ks + j, n);
      store(keep + 3 * ks + j, hn);
    }
    vec shown = wasm_f32x4_mul(hnew, splat(m));
    store(out + j, shown);
    store(h_out + j, wasm_f32x4_add(shown, wasm_f32x4_mul(hp, splat(1.0f - m))));
  }
  for (; j < U; j++) {
    f32 r = SCALAR(v_sigmoid, x[j] + hg[j]);
    f32 z = SCALAR(v_sigmoid, x[xs + j] + hg[hs + j]);
    f32 hn = hg[2 * hs + j];
    f32 n = SCALAR(v_tanh, x[2 * xs + j] + r * hn);
    f32 hp = h_in[j];
    f32 hnew = n + z * (hp - n);
    if (keep) {
      keep[j] = r;
      keep[ks + j] = z;
      keep[2 * ks + j] = n;
      keep[3 * ks + j] = hn;
    }
    f32 shown = hnew * m;
    out[j] = shown;
    h_out[j] = shown + hp * (1.0f - m);
  }
}

/*
 * The backward of gru_row for one batch row of U units. keep: r, z, n, h_n (ks floats apart);
 * hp: h_prev; dy, dh: the gradients of the output and of the new state. Writes d_x (the
 * gradient of x_r, x_z, x_n; dxs apart), d_rec (of h_r, h_z, h_n; drs apart; it may be keep
 * itself, every value being read before its place is written) and carry, the gradient of h_prev
 * besides d_rec W_hh.
 */
static void gru_row_backward(int U, const f32 *keep, int ks, const f32 *hp, const f32 *dy,
                             const f32 *dh, f32 *d_x, int dxs, f32 *d_rec, int drs, f32 *carry,
                             f32 m) {
  const f32 *r = keep, *z = keep + ks, *n = keep + 2 * ks, *hn = keep + 3 * ks;
  vec mv = splat(m), hold = splat(1.0f - m), one = splat(1.0f);
  int j = 0;
  for (; j + 4 <= U; j += 4) {
    vec dhj = load(dh + j);
    vec dnew = wasm_f32x4_mul(wasm_f32x4_add(dhj, load(dy + j)), mv);
    vec rj = load(r + j), zj = load(z + j), nj = load(n + j), hnj = load(hn + j);
    vec dn = wasm_f32x4_mul(wasm_f32x4_mul(dnew, wasm_f32x4_sub(one, zj)),
                            wasm_f32x4_sub(one, wasm_f32x4_mul(nj, nj)));
    vec dr_ = wasm_f32x4_mul(wasm_f32x4_mul(dn, hnj),
                             wasm_f32x4_mul(rj, wasm_f32x4_sub(one, rj)));
    vec dz_ = wasm_f32x4_mul(wasm_f32x4_mul(dnew, wasm_f32x4_sub(load(hp + j), nj)),
                             wasm_f32x4_mul(zj, wasm_f32x4_sub(one, zj)));
    store(d_x + j, dr_);
    store(d_x + dxs + j, dz_);
    store(d_x + 2 * dxs + j, dn);
    store(d_rec + j, dr_);
    store(d_rec + drs + j, dz_);
    store(d_rec + 2 * drs + j, wasm_f32x4_mul(dn, rj));
    store(carry + j, wasm_f32x4_add(wasm_f32x4_mul(dnew, zj), wasm_f32x4_mul(dhj, hold)));
  }
  for (; j < U; j++) {
    f32 rj = r[j], zj = z[j], nj = n[j], hnj = hn[j];
    f32 dnew = (dh[j] + dy[j]) * m;
    f32 dn = dnew * (1.0f - zj) * (1.0f - nj * nj);
    f32 dr_ = dn * hnj * (rj * (1.0f - rj));
    f32 dz_ = dnew * (hp[j] - nj) * (zj * (1.0f - zj));
    d_x[j] = dr_;
    d_x[dxs + j] = dz_;
    d_x[2 * dxs + j] = dn;
    d_rec[j] = dr_;
    d_rec[drs + j] = dz_;
    d_rec[2 * drs + j] = dn * rj;
    carry[j] = dnew * zj + dh[j] * (1.0f - m);
  }
}

/* ---------------------------------------------------------------------------------------------
 * GRU (Cho et al. 2014), reset gate applied to the recurrent term with its bias, as PyTorch:
 *   r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r h_n), h' = n + z (h - n)
 * where [h_r h_z h_n] = h W_hhᵀ + b_hh.
 *
 * xg [T, B, 3H]: x W_ihᵀ + b_ih.  wt: W_hhᵀ packed ([H, 3H]), or null to read w = W_hh
 * [3H, H] row by row.  b_hh [3H] or null.
 * When `gates` is not null, writes gates [T, B, 4H] (r, z, n, h_n) and h_prev [T, B, H].
 * scratch: [B, 3H] floats.
 */
__attribute__((export_name("gru_forward"))) void gru_forward(
    int T, int B, int H, const f32 *xg, const f32 *h0, const f32 *wt, const f32 *w,
    const f32 *b_hh, const f32 *mask, f32 *out, f32 *h, f32 *gates, f32 *h_prev, f32 *scratch) {
  int G = 3 * H;
  copy(h, h0, B * H);
  for (int t = 0; t < T; t++) {
    if (gates) copy(h_prev + t * B * H, h, B * H);
    recurrent(B, G, H, h, wt, w, scratch, b_hh, 0);
    f32 *o_t = out + t * B * H;
    for (int b = 0; b < B; b++) {
      f32 *keep = gates ? gates + (t * B + b) * 4 * H : 0;
      f32 *hb = h + b * H;
      gru_row(H, xg + (t * B + b) * G, H, scratch + b * G, H, hb, hb, o_t + b * H, keep, H,
              mask ? mask[t * B + b] : 1.0f);
    }
  }
}

/*
 * Backpropagation through time of gru_forward. w: W_hh packed as it is ([3H, H]).
 * Writes d_x [T, B, 3H] (gradient of xg) and d_rec [T, B, 3H] (gradient of h W_hhᵀ + b_hh);
 * d_h [B, H] is updated in place and ends as the gradient of h_0. scratch: [B, H] floats.
 */
__attribute__((export_name("gru_backward"))) void gru_backward(
    int T, int B, int H, const f32 *gates, const f32 *h_prev, const f32 *mask, const f32 *w,
    const f32 *d_out, f32 *d_h, f32 *d_x, f32 *d_rec, f32 *scratch) {
  int G = 3 * H;
  for (int t = T - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      int at = t * B + b;
      gru_row_backward(H, gates + at * 4 * H, H, h_prev + at * H, d_out + at * H, d_h + b * H,
                       d_x + at * G, H, d_rec + at * G, H, scratch + b * H,
                       mask ? mask[at] : 1.0f);
    }
    product(B, H, G, d_rec + t * B * G, G, w, d_h, H, scratch, H);
  }
}

/*
 * One batch row of U Elman units: z holds the pre-activations and receives the activations
 * act(z) (tanh, or relu when `relu`); h_in is the state the step started from, h_out and out
 * receive the new state and the output (in place allowed). m: the row's mask.
 */
static void rnn_row(int U, f32 *z, int relu, const f32 *h_in, f32 *h_out, f32 *out, f32 m) {
  vec mv = splat(m), hold = splat(1.0f - m);
  int j = 0;
  for (; j + 4 <= U; j += 4) {
    vec a = relu ? v_relu(load(z + j)) : v_tanh(load(z + j));
    vec shown = wasm_f32x4_mul(a, mv);
    vec hp = load(h_in + j);
    store(z + j, a);
    store(out + j, shown);
    store(h_out + j, wasm_f32x4_add(shown, wasm_f32x4_mul(hp, hold)));
  }
  for (; j < U; j++) {
    f32 a = relu ? SCALAR(v_relu, z[j]) : SCALAR(v_tanh, z[j]);
    f32 hp = h_in[j], shown = a * m;
    z[j] = a;
    out[j] = shown;
    h_out[j] = shown + hp * (1.0f - m);
  }
}

/*
 * The backward of rnn_row: from the activations `act`, d_pre (it may be act itself) receives the
 * gradient of the pre-activations, (dh + dy) m act'; carry the part of dh that flows past the
 * step where the mask is 0.
 */
static void rnn_row_backward(int U, const f32 *act, f32 *d_pre, int relu, const f32 *dy,
                             const f32 *dh, f32 *carry, f32 m) {
  vec mv = splat(m), hold = splat(1.0f - m), one = splat(1.0f), zero = splat(0.0f);
  int j = 0;
  for (; j + 4 <= U; j += 4) {
    vec a = load(act + j), dhj = load(dh + j);
    vec slope = relu ? wasm_v128_and(wasm_f32x4_gt(a, zero), one)
                     : wasm_f32x4_sub(one, wasm_f32x4_mul(a, a));
    vec total = wasm_f32x4_mul(wasm_f32x4_add(dhj, load(dy + j)), mv);
    store(d_pre + j, wasm_f32x4_mul(total, slope));
    store(carry + j, wasm_f32x4_mul(dhj, hold));
  }
  for (; j < U; j++) {
    f32 a = act[j], dhj = dh[j];
    f32 slope = relu ? (a > 0.0f ? 1.0f : 0.0f) : 1.0f - a * a;
    d_pre[j] = (dhj + dy[j]) * m * slope;
    carry[j] = dhj * (1.0f - m);
  }
}

/* ---------------------------------------------------------------------------------------------
 * Elman RNN: h' = act(xg + h W_hhᵀ), act = tanh (relu = 0) or relu (relu = 1).
 * xg [T, B, H] with both biases; wt, w as for the LSTM. When `keep` is not null, writes keep [T, B, H] = act(·)
 * before masking and h_prev [T, B, H].
 */
__attribute__((export_name("rnn_forward"))) void rnn_forward(
    int T, int B, int H, int relu, const f32 *xg, const f32 *h0, const f32 *wt, const f32 *w,
    const f32 *mask, f32 *out, f32 *h, f32 *keep, f32 *h_prev, f32 *scratch) {
  copy(h, h0, B * H);
  for (int t = 0; t < T; t++) {
    if (keep) copy(h_prev + t * B * H, h, B * H);
    f32 *a = keep ? keep + t * B * H : scratch;
    recurrent(B, H, H, h, wt, w, a, xg + t * B * H, H);
    f32 *o_t = out + t * B * H;
    for (int b = 0; b < B; b++)
      rnn_row(H, a + b * H, relu, h + b * H, h + b * H, o_t + b * H,
              mask ? mask[t * B + b] : 1.0f);
  }
}

/*
 * Backpropagation through time of rnn_forward. w: W_hh packed as it is ([H, H]). Writes
 * d_pre [T, B, H]; d_h is updated in place and ends as the gradient of h_0.
 */
__attribute__((export_name("rnn_backward"))) void rnn_backward(
    int T, int B, int H, int relu, const f32 *keep, const f32 *mask, const f32 *w,
    const f32 *d_out, f32 *d_h, f32 *d_pre, f32 *scratch) {
  for (int t = T - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      int at = t * B + b;
      rnn_row_backward(H, keep + at * H, d_pre + at * H, relu, d_out + at * H, d_h + b * H,
                       scratch + b * H, mask ? mask[at] : 1.0f);
    }
    product(B, H, H, d_pre + t * B * H, H, w, d_h, H, scratch, H);
  }
}

/* ---------------------------------------------------------------------------------------------
 * A matrix product c [M, N] = a [M, K] · b + bias, with a given as [K, M] when `a_transposed`
 * (then without bias), b as [K, N], or as [N, K] when `b_transposed` (a weight in PyTorch's
 * layout); bias [N] or null. packed: scratch of ceil(N / 8) · 8 · K floats, plus 4 · K when
 * `a_transposed`.
 */
__attribute__((export_name("matmul"))) void matmul(int M, int N, int K, const f32 *a,
                                                   int a_transposed, const f32 *b,
                                                   int b_transposed, const f32 *bias,
                                                   f32 *packed, f32 *c) {
  if (a_transposed) { /* a is [K, M]; no bias here */
    pack_panels(K, N, b, b_transposed, packed);
    product_at(M, N, K, a, M, packed, c, packed + (N + PANEL - 1) / PANEL * PANEL * K);
    return;
  }
  if (b_transposed && M < FEW_ROWS) {
    product_rows(M, N, K, a, K, b, c, N, bias, 0);
    return;
  }
  pack_panels(K, N, b, b_transposed, packed);
  product(M, N, K, a, K, packed, c, N, bias, 0);
}

/* out [N] = Σ_m x[m, ·] for x [M, N] whose rows are ld floats apart: the gradient of a bias
 * added to every row. Row by row, so that x is read in order and out stays in L1. */
static void column_sums_strided(int M, int N, const f32 *x, int ld, f32 *out) {
  for (int j = 0; j < N; j++) out[j] = 0.0f;
  for (int m = 0; m < M; m++) {
    const f32 *row = x + m * ld;
    int j = 0;
    for (; j + 4 <= N; j += 4) store(out + j, wasm_f32x4_add(load(out + j), load(row + j)));
    for (; j < N; j++) out[j] += row[j];
  }
}

__attribute__((export_name("column_sums"))) void column_sums(int M, int N, const f32 *x,
                                                             f32 *out) {
  column_sums_strided(M, N, x, N, out);
}

#ifdef GATED_THREADS
/* ---------------------------------------------------------------------------------------------
 * A whole LSTM, GRU or Elman RNN direction on several threads (the shared-memory build only):
 * inference, the training forward, backpropagation through time and the weight gradients. Every
 * thread calls pool_part with the same job and its own part number; part p owns units
 * [share_start(p), share_start(p + 1)) of every gate, that is the rows of W_ih, W_hh and the
 * biases of those units, the columns of the gates and of their gradients that belong to them
 * and the same columns of h and c. Per time step each part multiplies the whole h by its rows of
 * W_hhᵀ and runs the gate math of its units; a barrier then publishes its columns of the new h.
 * Going back, each part computes the gate gradients of its units, and after a barrier its
 * columns of (that gradient) W_hh. The states of every step are kept (hist, chist:
 * [T + 1, B, H], row t the state step t starts from), so no part ever writes what another may
 * still be reading. The weight gradients and dx are jobs of their own, so that a gradient
 * nobody asks for is never computed.
 *
 * Buffers: LSTM: gates [T·B, 4H] = x W_ihᵀ + b, then the activations, then (backward) dz, which
 * is also the gradient of x W_ihᵀ and of h W_hhᵀ. GRU: xg [T·B, 3H] = x W_ihᵀ + b_ih, then
 * (backward) d_x; gates [T·B, 4H] = r, z, n, h_n (training), then d_rec in its first 3H columns.
 * Elman: gates [T·B, H] = x W_ihᵀ + b, then the activations, then d_pre.
 */
enum {
  J_OP, J_KIND, J_T, J_B, J_H, J_I, J_PARTS, J_X, J_WIH, J_BIAS, J_WHH, J_BHH, J_H0, J_C0,
  J_MASK, J_XG, J_GATES, J_HIST, J_CHIST, J_TANHC, J_OUT, J_DOUT, J_DH, J_DC, J_DWIH, J_DWHH,
  J_DB, J_DBHH, J_DX, J_SCRATCH, J_SCRATCH_FLOATS, J_SHARED, J_COUNT, J_GENERATION, J_FAILED,
  J_WORDS
};
/* What a job asks for, and of which recurrence. */
enum { OP_INFER = 1, OP_TRAIN = 2, OP_BACKWARD = 3, OP_WEIGHTS = 4, OP_INPUT_GRAD = 5 };
enum { KIND_LSTM = 1, KIND_GRU = 2, KIND_RNN_TANH = 3, KIND_RNN_RELU = 4 };

/* Gates per unit: 4 (LSTM), 3 (GRU), 1 (Elman). */
static int gate_count(int kind) { return kind == KIND_LSTM ? 4 : kind == KIND_GRU ? 3 : 1; }

/* The number of job words, for the caller to check its copy of the layout against. */
__attribute__((export_name("job_words"))) int job_words(void) { return J_WORDS; }

/*
 * Waits until all parts arrive: spins briefly (a step's work is tens of microseconds, and the
 * other part usually arrives within that), then sleeps in memory.atomic.wait32 in 1 ms slices,
 * so that a descheduled partner costs no CPU. Returns 0, or -1 (and marks the job failed) when
 * another part has failed or has not arrived within about 10 s: a lost thread must not hang the
 * caller forever.
 */
#define SPIN_POLLS 32768
#define WAIT_SLICES 10000
static int barrier(int *job, int parts) {
  int seen = __atomic_load_n(&job[J_GENERATION], __ATOMIC_ACQUIRE);
  if (__atomic_add_fetch(&job[J_COUNT], 1, __ATOMIC_ACQ_REL) == parts) {
    __atomic_store_n(&job[J_COUNT], 0, __ATOMIC_RELAXED);
    __atomic_add_fetch(&job[J_GENERATION], 1, __ATOMIC_RELEASE);
    __builtin_wasm_memory_atomic_notify(&job[J_GENERATION], (unsigned)parts);
    return 0;
  }
  for (int polls = 0;; polls++) {
    if (__atomic_load_n(&job[J_GENERATION], __ATOMIC_ACQUIRE) != seen) return 0;
    if (__atomic_load_n(&job[J_FAILED], __ATOMIC_ACQUIRE)) return -1;
    if (polls < SPIN_POLLS) continue;
    if (polls >= SPIN_POLLS + WAIT_SLICES) {
      __atomic_store_n(&job[J_FAILED], 1, __ATOMIC_RELEASE);
      return -1;
    }
    __builtin_wasm_memory_atomic_wait32(&job[J_GENERATION], seen, 1000000); /* 1 ms */
  }
}

/* First of part p's share of n things; parts after the first start on a multiple of 4. */
static int share_start(int p, int parts, int n) {
  if (p <= 0) return 0;
  if (p >= parts) return n;
  return (p * n / parts) & ~3;
}

static int round_panel(int n) { return (n + PANEL - 1) / PANEL * PANEL; }

/*
 * Floats of scratch one part needs, the most over all jobs: the forward's packed rows of W_hh
 * and W_ih (and, GRU, its recurrent terms); the backward's packed columns of W_hh and its carry;
 * the weight gradients' strip for product_at; the input gradient's packed W_ih.
 */
__attribute__((export_name("part_floats"))) int part_floats(int kind, int T, int B, int H, int I,
                                                            int parts) {
  int g = gate_count(kind);
  int most = round_panel(I) * g * H;
  if (4 * T * B > most) most = 4 * T * B;
  for (int p = 0; p < parts; p++) {
    int U = round_panel(share_start(p + 1, parts, H) - share_start(p, parts, H));
    int forward = g * U * H + g * U * I + (kind == KIND_GRU ? B * 3 * U : 0);
    int backward = U * g * H + B * U;
    if (forward > most) most = forward;
    if (backward > most) most = backward;
  }
  return most;
}

/* Floats of scratch the parts share: h_prev and x of every step, packed for the weight
 * gradients. */
__attribute__((export_name("shared_floats"))) int shared_floats(int T, int B, int H, int I) {
  return (round_panel(H) + round_panel(I)) * T * B;
}

/*
 * The LSTM forward (OP_INFER, OP_TRAIN). x [T·B, I]; gates [T·B, 4H] receives x W_ihᵀ + b and
 * then, step by step, the recurrent term and (training) the activations; hist, chist
 * [T + 1, B, H] the states; out [T, B, H] the masked outputs (with a mask; without one they are hist[1..T]);
 * tanhc [T, B, H] (training) tanh of each new cell state.
 */
static void lstm_forward_part(int *job, int p) {
  int T = job[J_T], B = job[J_B], H = job[J_H], I = job[J_I], parts = job[J_PARTS], G = 4 * H;
  int training = job[J_OP] == OP_TRAIN;
  const f32 *x = (const f32 *)job[J_X], *wih = (const f32 *)job[J_WIH];
  const f32 *bias = (const f32 *)job[J_BIAS], *whh = (const f32 *)job[J_WHH];
  const f32 *h0 = (const f32 *)job[J_H0], *c0 = (const f32 *)job[J_C0];
  const f32 *mask = (const f32 *)job[J_MASK];
  f32 *gates = (f32 *)job[J_GATES], *hist = (f32 *)job[J_HIST], *chist = (f32 *)job[J_CHIST];
  f32 *tanhc = (f32 *)job[J_TANHC], *out = (f32 *)job[J_OUT];
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  int Up = round_panel(U);
  f32 *pw = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* 4 × [H, Up]: W_hh rows, ᵀ */
  f32 *pi = pw + 4 * Up * H;                                   /* 4 × [I, Up]: W_ih rows, ᵀ */
  for (int q = 0; q < 4; q++) {
    int row = q * H + j0;
    pack_strided(H, U, whh + row * H, H, 1, pw + q * Up * H);
    pack_strided(I, U, wih + row * I, I, 1, pi + q * Up * I);
    product(T * B, U, I, x, I, pi + q * Up * I, gates + row, G, bias ? bias + row : 0, 0);
  }
  for (int b = 0; b < B; b++) {
    copy(hist + b * H + j0, h0 + b * H + j0, U);
    copy(chist + b * H + j0, c0 + b * H + j0, U);
  }
  if (barrier(job, parts)) return;
  for (int t = 0; t < T; t++) {
    f32 *z = gates + t * B * G, *h_in = hist + t * B * H, *h_out = h_in + B * H;
    f32 *c_in = chist + t * B * H, *c_out = c_in + B * H;
    for (int q = 0; q < 4; q++)
      product(B, U, H, h_in, H, pw + q * Up * H, z + q * H + j0, G, z + q * H + j0, G);
    for (int b = 0; b < B; b++) {
      int at = t * B + b, k = b * H + j0;
      lstm_row(U, H, z + b * G + j0, training, c_in + k, c_out + k, h_in + k, h_out + k,
               mask ? out + at * H + j0 : h_out + k, training ? tanhc + at * H + j0 : 0,
               mask ? mask[at] : 1.0f);
    }
    if (barrier(job, parts)) return;
  }
}

/*
 * Backpropagation through time of an LSTM OP_TRAIN forward (OP_BACKWARD), its gates turned into dz
 * in place. dout [T, B, H]; dh, dc [B, H] hold the gradients of h_n and c_n and end as those of
 * h_0 and c_0.
 */
static void lstm_backward_part(int *job, int p) {
  int T = job[J_T], B = job[J_B], H = job[J_H], parts = job[J_PARTS], G = 4 * H;
  const f32 *whh = (const f32 *)job[J_WHH], *mask = (const f32 *)job[J_MASK];
  const f32 *dout = (const f32 *)job[J_DOUT], *chist = (const f32 *)job[J_CHIST];
  const f32 *tanhc = (const f32 *)job[J_TANHC];
  f32 *dz = (f32 *)job[J_GATES], *dh = (f32 *)job[J_DH], *dc = (f32 *)job[J_DC];
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  f32 *pc = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [4H, Up]: W_hh columns */
  f32 *carry = pc + G * round_panel(U);                        /* [B, U] */
  pack_strided(G, U, whh + j0, H, 0, pc);
  for (int t = T - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      int at = t * B + b, k = b * H + j0;
      f32 *row = dz + at * G + j0;
      lstm_row_backward(U, H, row, row, tanhc + at * H + j0, chist + t * B * H + k,
                        dout + at * H + j0, dh + k, dc + k, carry + b * U,
                        mask ? mask[at] : 1.0f);
    }
    if (barrier(job, parts)) return;
    product(B, U, G, dz + t * B * G, G, pc, dh + j0, H, carry, U);
  }
}

/*
 * Packs h_prev (hist rows 0..T-1) and x into the shared scratch for the weight gradients, each
 * part some of the panels, and waits for the others. Returns the barrier's result.
 */
static int pack_inputs(int *job, int p, f32 **ph, f32 **px) {
  int R = job[J_T] * job[J_B], H = job[J_H], I = job[J_I], parts = job[J_PARTS];
  const f32 *x = (const f32 *)job[J_X], *hist = (const f32 *)job[J_HIST];
  *ph = (f32 *)job[J_SHARED];
  *px = *ph + round_panel(H) * R;
  int hp = round_panel(H) / PANEL, ip = round_panel(I) / PANEL;
  int h_first = p * hp / parts, h_end = (p + 1) * hp / parts;
  int i_first = p * ip / parts, i_end = (p + 1) * ip / parts;
  if (h_end > h_first) {
    int c0 = h_first * PANEL, c1 = h_end * PANEL < H ? h_end * PANEL : H;
    pack_strided(R, c1 - c0, hist + c0, H, 0, *ph + c0 * R);
  }
  if (i_end > i_first) {
    int c0 = i_first * PANEL, c1 = i_end * PANEL < I ? i_end * PANEL : I;
    pack_strided(R, c1 - c0, x + c0, I, 0, *px + c0 * R);
  }
  return barrier(job, parts);
}

/*
 * The weight gradients of every part's rows after OP_BACKWARD (OP_WEIGHTS). LSTM (Elman RNN):
 * dW_hh = dzᵀ h_prev, dW_ih = dzᵀ x, db = Σ dz (the gradient of b_ih and of b_hh alike), dz
 * (d_pre) being the gradient of the pre-activations. GRU: dW_hh = d_recᵀ h_prev,
 * dW_ih = d_xᵀ x, db_ih = Σ d_x, db_hh = Σ d_rec.
 */
static void weights_part(int *job, int p) {
  int R = job[J_T] * job[J_B], H = job[J_H], I = job[J_I], parts = job[J_PARTS];
  int gru = job[J_KIND] == KIND_GRU, g = gate_count(job[J_KIND]);
  /* the gradients of x W_ihᵀ and of h W_hhᵀ (+ b_hh), and their row strides */
  const f32 *d_x = (const f32 *)(gru ? job[J_XG] : job[J_GATES]);
  const f32 *d_rec = (const f32 *)job[J_GATES];
  int xs = g * H, rs = gru ? 4 * H : g * H;
  f32 *dwih = (f32 *)job[J_DWIH], *dwhh = (f32 *)job[J_DWHH];
  f32 *db = (f32 *)job[J_DB], *dbhh = (f32 *)job[J_DBHH];
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  f32 *strip = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [T·B, 4] */
  f32 *ph, *px;
  if (pack_inputs(job, p, &ph, &px)) return;
  for (int q = 0; q < g; q++) {
    int row = q * H + j0;
    product_at(U, H, R, d_rec + row, rs, ph, dwhh + row * H, strip);
    product_at(U, I, R, d_x + row, xs, px, dwih + row * I, strip);
    column_sums_strided(R, U, d_x + row, xs, db + row);
    if (dbhh) column_sums_strided(R, U, d_rec + row, rs, dbhh + row);
  }
}

/* dx [T·B, I] = dz W_ih (GRU: d_x W_ih; RNN: d_pre W_ih) after OP_BACKWARD (OP_INPUT_GRAD),
 * each part a share of the rows. */
static void input_grad_part(int *job, int p) {
  int R = job[J_T] * job[J_B], I = job[J_I], H = job[J_H], parts = job[J_PARTS];
  int gru = job[J_KIND] == KIND_GRU, G = gate_count(job[J_KIND]) * H;
  const f32 *d = (const f32 *)(gru ? job[J_XG] : job[J_GATES]);
  const f32 *wih = (const f32 *)job[J_WIH];
  f32 *dx = (f32 *)job[J_DX];
  f32 *pw = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [G, I] packed */
  int r0 = share_start(p, parts, R), r1 = share_start(p + 1, parts, R);
  pack_strided(G, I, wih, I, 0, pw);
  if (r1 > r0) product(r1 - r0, I, G, d + r0 * G, G, pw, dx + r0 * I, I, 0, 0);
}

/*
 * The GRU forward (OP_INFER, OP_TRAIN). x [T·B, I]; xg [T·B, 3H] receives x W_ihᵀ + b_ih; each
 * step the recurrent terms h W_hhᵀ + b_hh of the part's units go to its scratch; gates
 * [T·B, 4H] (training) receives r, z, n, h_n; hist [T + 1, B, H] the states; out [T, B, H] the
 * masked outputs (with a mask; without one they are hist[1..T]).
 */
static void gru_forward_part(int *job, int p) {
  int T = job[J_T], B = job[J_B], H = job[J_H], I = job[J_I], parts = job[J_PARTS], G = 3 * H;
  int training = job[J_OP] == OP_TRAIN;
  const f32 *x = (const f32 *)job[J_X], *wih = (const f32 *)job[J_WIH];
  const f32 *bias = (const f32 *)job[J_BIAS], *whh = (const f32 *)job[J_WHH];
  const f32 *bhh = (const f32 *)job[J_BHH], *h0 = (const f32 *)job[J_H0];
  const f32 *mask = (const f32 *)job[J_MASK];
  f32 *xg = (f32 *)job[J_XG], *gates = (f32 *)job[J_GATES], *hist = (f32 *)job[J_HIST];
  f32 *out = (f32 *)job[J_OUT];
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  int Up = round_panel(U);
  f32 *pw = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* 3 × [H, Up]: W_hh rows, ᵀ */
  f32 *pi = pw + 3 * Up * H;                                   /* 3 × [I, Up]: W_ih rows, ᵀ */
  f32 *hg = pi + 3 * Up * I;                                   /* [B, 3U]: h_r, h_z, h_n */
  for (int q = 0; q < 3; q++) {
    int row = q * H + j0;
    pack_strided(H, U, whh + row * H, H, 1, pw + q * Up * H);
    pack_strided(I, U, wih + row * I, I, 1, pi + q * Up * I);
    product(T * B, U, I, x, I, pi + q * Up * I, xg + row, G, bias ? bias + row : 0, 0);
  }
  for (int b = 0; b < B; b++) copy(hist + b * H + j0, h0 + b * H + j0, U);
  if (barrier(job, parts)) return;
  for (int t = 0; t < T; t++) {
    f32 *h_in = hist + t * B * H, *h_out = h_in + B * H;
    for (int q = 0; q < 3; q++)
      product(B, U, H, h_in, H, pw + q * Up * H, hg + q * U, 3 * U,
              bhh ? bhh + q * H + j0 : 0, 0);
    for (int b = 0; b < B; b++) {
      int at = t * B + b, k = b * H + j0;
      gru_row(U, xg + at * G + j0, H, hg + b * 3 * U, U, h_in + k, h_out + k,
              mask ? out + at * H + j0 : h_out + k, training ? gates + at * 4 * H + j0 : 0, H,
              mask ? mask[at] : 1.0f);
    }
    if (barrier(job, parts)) return;
  }
}

/*
 * Backpropagation through time of a GRU OP_TRAIN forward (OP_BACKWARD): d_x replaces xg, d_rec
 * the first 3H columns of gates. dout [T, B, H]; dh [B, H] holds the gradient of h_n and ends as
 * that of h_0.
 */
static void gru_backward_part(int *job, int p) {
  int T = job[J_T], B = job[J_B], H = job[J_H], parts = job[J_PARTS], G = 3 * H, W = 4 * H;
  const f32 *whh = (const f32 *)job[J_WHH], *mask = (const f32 *)job[J_MASK];
  const f32 *dout = (const f32 *)job[J_DOUT], *hist = (const f32 *)job[J_HIST];
  f32 *gates = (f32 *)job[J_GATES], *d_x = (f32 *)job[J_XG], *dh = (f32 *)job[J_DH];
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  f32 *pc = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [3H, Up]: W_hh columns */
  f32 *carry = pc + G * round_panel(U);                        /* [B, U] */
  pack_strided(G, U, whh + j0, H, 0, pc);
  for (int t = T - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      int at = t * B + b, k = b * H + j0;
      f32 *row = gates + at * W + j0;
      gru_row_backward(U, row, H, hist + t * B * H + k, dout + at * H + j0, dh + k,
                       d_x + at * G + j0, H, row, H, carry + b * U, mask ? mask[at] : 1.0f);
    }
    if (barrier(job, parts)) return;
    product(B, U, G, gates + t * B * W, W, pc, dh + j0, H, carry, U);
  }
}

/*
 * The Elman RNN forward (OP_INFER, OP_TRAIN). x [T·B, I]; gates [T·B, H] receives
 * x W_ihᵀ + b_ih + b_hh, then step by step the recurrent term and the activations; hist
 * [T + 1, B, H] the states; out [T, B, H] the masked outputs (with a mask).
 */
static void rnn_forward_part(int *job, int p) {
  int T = job[J_T], B = job[J_B], H = job[J_H], I = job[J_I], parts = job[J_PARTS];
  int relu = job[J_KIND] == KIND_RNN_RELU;
  const f32 *x = (const f32 *)job[J_X], *wih = (const f32 *)job[J_WIH];
  const f32 *bias = (const f32 *)job[J_BIAS], *whh = (const f32 *)job[J_WHH];
  const f32 *h0 = (const f32 *)job[J_H0], *mask = (const f32 *)job[J_MASK];
  f32 *gates = (f32 *)job[J_GATES], *hist = (f32 *)job[J_HIST], *out = (f32 *)job[J_OUT];
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  f32 *pw = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [H, Up]: W_hh rows, ᵀ */
  f32 *pi = pw + round_panel(U) * H;                           /* [I, Up]: W_ih rows, ᵀ */
  pack_strided(H, U, whh + j0 * H, H, 1, pw);
  pack_strided(I, U, wih + j0 * I, I, 1, pi);
  product(T * B, U, I, x, I, pi, gates + j0, H, bias ? bias + j0 : 0, 0);
  for (int b = 0; b < B; b++) copy(hist + b * H + j0, h0 + b * H + j0, U);
  if (barrier(job, parts)) return;
  for (int t = 0; t < T; t++) {
    f32 *z = gates + t * B * H, *h_in = hist + t * B * H, *h_out = h_in + B * H;
    product(B, U, H, h_in, H, pw, z + j0, H, z + j0, H);
    for (int b = 0; b < B; b++) {
      int at = t * B + b, k = b * H + j0;
      rnn_row(U, z + k, relu, h_in + k, h_out + k, mask ? out + at * H + j0 : h_out + k,
              mask ? mask[at] : 1.0f);
    }
    if (barrier(job, parts)) return;
  }
}

/*
 * Backpropagation through time of an Elman OP_TRAIN forward (OP_BACKWARD): d_pre replaces the
 * activations in gates. dout [T, B, H]; dh [B, H] holds the gradient of h_n and ends as that
 * of h_0.
 */
static void rnn_backward_part(int *job, int p) {
  int T = job[J_T], B = job[J_B], H = job[J_H], parts = job[J_PARTS];
  int relu = job[J_KIND] == KIND_RNN_RELU;
  const f32 *whh = (const f32 *)job[J_WHH], *mask = (const f32 *)job[J_MASK];
  const f32 *dout = (const f32 *)job[J_DOUT];
  f32 *gates = (f32 *)job[J_GATES], *dh = (f32 *)job[J_DH];
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  f32 *pc = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [H, Up]: W_hh columns */
  f32 *carry = pc + H * round_panel(U);                        /* [B, U] */
  pack_strided(H, U, whh + j0, H, 0, pc);
  for (int t = T - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      int at = t * B + b;
      f32 *row = gates + at * H + j0;
      rnn_row_backward(U, row, row, relu, dout + at * H + j0, dh + b * H + j0, carry + b * U,
                       mask ? mask[at] : 1.0f);
    }
    if (barrier(job, parts)) return;
    product(B, U, H, gates + t * B * H, H, pc, dh + j0, H, carry, U);
  }
}

/* Runs part p of the job at `job` (int32 words, see J_*). */
__attribute__((export_name("pool_part"))) void pool_part(int *job, int p) {
  int op = job[J_OP], kind = job[J_KIND];
  if (op == OP_INFER || op == OP_TRAIN) {
    if (kind == KIND_LSTM) lstm_forward_part(job, p);
    else if (kind == KIND_GRU) gru_forward_part(job, p);
    else rnn_forward_part(job, p);
  } else if (op == OP_BACKWARD) {
    if (kind == KIND_LSTM) lstm_backward_part(job, p);
    else if (kind == KIND_GRU) gru_backward_part(job, p);
    else rnn_backward_part(job, p);
  } else if (op == OP_WEIGHTS) {
    weights_part(job, p);
  } else if (op == OP_INPUT_GRAD) {
    input_grad_part(job, p);
  }
}
#endif
