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
 * pack_panels writes B [K, N] (or Bᵀ when `transposed`, B given as [N, K]) as ceil(N / 8) panels
 * of [K, 8], zero-padded on the right, so that the product kernel reads each panel contiguously.
 */
__attribute__((export_name("pack_panels"))) void pack_panels(int K, int N, const f32 *b,
                                                             int transposed, f32 *packed) {
  int panels = (N + PANEL - 1) / PANEL;
  for (int p = 0; p < panels; p++) {
    f32 *out = packed + p * K * PANEL;
    for (int k = 0; k < K; k++) {
      for (int j = 0; j < PANEL; j++) {
        int col = p * PANEL + j;
        f32 v = 0.0f;
        if (col < N) v = transposed ? b[col * K + k] : b[k * N + col];
        out[k * PANEL + j] = v;
      }
    }
  }
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

/* y = fn(x) over n contiguous values, in place allowed. */
#define MAP(name, fn)                                                                            \
  static void name(f32 *y, const f32 *x, int n) {                                               \
    int i = 0;                                                                                   \
    for (; i + 4 <= n; i += 4) store(y + i, fn(load(x + i)));                                    \
    for (; i < n; i++) y[i] = SCALAR(fn, x[i]);                                                  \
  }
MAP(map_tanh, v_tanh)
MAP(map_relu, v_relu)

/*
 * One batch row of U LSTM units: z holds the pre-activations [i f g o], each U wide (replaced by
 * the activations when `keep`); c, h_in are the state the step started from, h_out and out
 * receive the new state and the output (h_out may be h_in), tc (or null) tanh(c'). m is the
 * row's mask: where 0 the state is carried and the output is 0.
 */
static void lstm_row(int U, f32 *z, int keep, f32 *c, const f32 *h_in, f32 *h_out, f32 *out,
                     f32 *tc, f32 m) {
  f32 *i = z, *f = z + U, *g = z + 2 * U, *o = z + 3 * U;
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
    vec cn = wasm_f32x4_add(wasm_f32x4_mul(fv, load(c + j)), wasm_f32x4_mul(iv, gv));
    vec th = v_tanh(cn);
    vec hn = wasm_f32x4_mul(ov, th);
    if (tc) store(tc + j, th);
    if (m == 1.0f) {
      store(c + j, cn);
      store(h_out + j, hn);
      store(out + j, hn);
    } else {
      vec mv = splat(m), hold = splat(1.0f - m);
      vec shown = wasm_f32x4_mul(hn, mv);
      store(out + j, shown);
      store(h_out + j, wasm_f32x4_add(shown, wasm_f32x4_mul(load(h_in + j), hold)));
      store(c + j, wasm_f32x4_add(wasm_f32x4_mul(cn, mv), wasm_f32x4_mul(load(c + j), hold)));
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
    f32 cn = fv * c[j] + iv * gv;
    f32 th = SCALAR(v_tanh, cn);
    f32 hn = ov * th;
    if (tc) tc[j] = th;
    f32 shown = hn * m;
    out[j] = shown;
    h_out[j] = shown + h_in[j] * (1.0f - m);
    c[j] = cn * m + c[j] * (1.0f - m);
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
      lstm_row(H, z + b * G, gates != 0, c + b * H, hb, hb, o_t + b * H, tc ? tc + b * H : 0,
               mask ? mask[t * B + b] : 1.0f);
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
      const f32 *row = gates + (t * B + b) * G;
      const f32 *i = row, *f = row + H, *g = row + 2 * H, *o = row + 3 * H;
      const f32 *tc = tanh_c + (t * B + b) * H, *cp = c_prev + (t * B + b) * H;
      const f32 *dy = d_out + (t * B + b) * H;
      f32 *dzr = dz + (t * B + b) * G;
      f32 *dh = d_h + b * H, *dc = d_c + b * H, *carry = carried + b * H;
      f32 m = mask ? mask[t * B + b] : 1.0f;
      vec mv = splat(m), hold = splat(1.0f - m), one = splat(1.0f);
      int j = 0;
      for (; j + 4 <= H; j += 4) {
        vec dhj = load(dh + j), dcj = load(dc + j);
        vec dnew = wasm_f32x4_mul(wasm_f32x4_add(dhj, load(dy + j)), mv);
        vec ij = load(i + j), fj = load(f + j), gj = load(g + j), oj = load(o + j);
        vec th = load(tc + j);
        vec dct = wasm_f32x4_add(
            wasm_f32x4_mul(dcj, mv),
            wasm_f32x4_mul(wasm_f32x4_mul(dnew, oj),
                           wasm_f32x4_sub(one, wasm_f32x4_mul(th, th))));
        store(dzr + j, wasm_f32x4_mul(wasm_f32x4_mul(dct, gj),
                                      wasm_f32x4_mul(ij, wasm_f32x4_sub(one, ij))));
        store(dzr + H + j, wasm_f32x4_mul(wasm_f32x4_mul(dct, load(cp + j)),
                                          wasm_f32x4_mul(fj, wasm_f32x4_sub(one, fj))));
        store(dzr + 2 * H + j, wasm_f32x4_mul(wasm_f32x4_mul(dct, ij),
                                              wasm_f32x4_sub(one, wasm_f32x4_mul(gj, gj))));
        store(dzr + 3 * H + j, wasm_f32x4_mul(wasm_f32x4_mul(dnew, th),
                                              wasm_f32x4_mul(oj, wasm_f32x4_sub(one, oj))));
        store(dc + j, wasm_f32x4_add(wasm_f32x4_mul(dct, fj), wasm_f32x4_mul(dcj, hold)));
        store(carry + j, wasm_f32x4_mul(dhj, hold));
      }
      for (; j < H; j++) {
        f32 dnew = (dh[j] + dy[j]) * m;
        f32 dct = dc[j] * m + dnew * o[j] * (1.0f - tc[j] * tc[j]);
        dzr[j] = dct * g[j] * (i[j] * (1.0f - i[j]));
        dzr[H + j] = dct * cp[j] * (f[j] * (1.0f - f[j]));
        dzr[2 * H + j] = dct * i[j] * (1.0f - g[j] * g[j]);
        dzr[3 * H + j] = dnew * tc[j] * (o[j] * (1.0f - o[j]));
        dc[j] = dct * f[j] + dc[j] * (1.0f - m);
        carry[j] = dh[j] * (1.0f - m);
      }
    }
    product(B, H, G, dz + t * B * G, G, w, d_h, H, carried, H);
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
      const f32 *x = xg + (t * B + b) * G;
      f32 *hg = scratch + b * G;
      f32 *keep = gates ? gates + (t * B + b) * 4 * H : 0;
      f32 m = mask ? mask[t * B + b] : 1.0f;
      f32 *hb = h + b * H, *ob = o_t + b * H;
      int j = 0;
      for (; j + 4 <= H; j += 4) {
        vec r = v_sigmoid(wasm_f32x4_add(load(x + j), load(hg + j)));
        vec z = v_sigmoid(wasm_f32x4_add(load(x + H + j), load(hg + H + j)));
        vec hn = load(hg + 2 * H + j);
        vec n = v_tanh(wasm_f32x4_add(load(x + 2 * H + j), wasm_f32x4_mul(r, hn)));
        vec hp = load(hb + j);
        vec hnew = wasm_f32x4_add(n, wasm_f32x4_mul(z, wasm_f32x4_sub(hp, n)));
        if (keep) {
          store(keep + j, r);
          store(keep + H + j, z);
          store(keep + 2 * H + j, n);
          store(keep + 3 * H + j, hn);
        }
        vec shown = wasm_f32x4_mul(hnew, splat(m));
        store(ob + j, shown);
        store(hb + j, wasm_f32x4_add(shown, wasm_f32x4_mul(hp, splat(1.0f - m))));
      }
      for (; j < H; j++) {
        f32 r = SCALAR(v_sigmoid, x[j] + hg[j]);
        f32 z = SCALAR(v_sigmoid, x[H + j] + hg[H + j]);
        f32 hn = hg[2 * H + j];
        f32 n = SCALAR(v_tanh, x[2 * H + j] + r * hn);
        f32 hnew = n + z * (hb[j] - n);
        if (keep) {
          keep[j] = r;
          keep[H + j] = z;
          keep[2 * H + j] = n;
          keep[3 * H + j] = hn;
        }
        f32 shown = hnew * m;
        ob[j] = shown;
        hb[j] = shown + hb[j] * (1.0f - m);
      }
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
      const f32 *keep = gates + at * 4 * H;
      const f32 *r = keep, *z = keep + H, *n = keep + 2 * H, *hn = keep + 3 * H;
      const f32 *hp = h_prev + at * H, *dy = d_out + at * H;
      f32 *dx = d_x + at * G, *dr = d_rec + at * G;
      f32 *dh = d_h + b * H, *carry = scratch + b * H;
      f32 m = mask ? mask[at] : 1.0f;
      vec mv = splat(m), hold = splat(1.0f - m), one = splat(1.0f);
      int j = 0;
      for (; j + 4 <= H; j += 4) {
        vec dhj = load(dh + j);
        vec dnew = wasm_f32x4_mul(wasm_f32x4_add(dhj, load(dy + j)), mv);
        vec rj = load(r + j), zj = load(z + j), nj = load(n + j);
        vec dn = wasm_f32x4_mul(wasm_f32x4_mul(dnew, wasm_f32x4_sub(one, zj)),
                                wasm_f32x4_sub(one, wasm_f32x4_mul(nj, nj)));
        vec dr_ = wasm_f32x4_mul(wasm_f32x4_mul(dn, load(hn + j)),
                                 wasm_f32x4_mul(rj, wasm_f32x4_sub(one, rj)));
        vec dz_ = wasm_f32x4_mul(wasm_f32x4_mul(dnew, wasm_f32x4_sub(load(hp + j), nj)),
                                 wasm_f32x4_mul(zj, wasm_f32x4_sub(one, zj)));
        store(dx + j, dr_);
        store(dx + H + j, dz_);
        store(dx + 2 * H + j, dn);
        store(dr + j, dr_);
        store(dr + H + j, dz_);
        store(dr + 2 * H + j, wasm_f32x4_mul(dn, rj));
        store(carry + j, wasm_f32x4_add(wasm_f32x4_mul(dnew, zj), wasm_f32x4_mul(dhj, hold)));
      }
      for (; j < H; j++) {
        f32 dnew = (dh[j] + dy[j]) * m;
        f32 dn = dnew * (1.0f - z[j]) * (1.0f - n[j] * n[j]);
        f32 dr_ = dn * hn[j] * (r[j] * (1.0f - r[j]));
        f32 dz_ = dnew * (hp[j] - n[j]) * (z[j] * (1.0f - z[j]));
        dx[j] = dr_;
        dx[H + j] = dz_;
        dx[2 * H + j] = dn;
        dr[j] = dr_;
        dr[H + j] = dz_;
        dr[2 * H + j] = dn * r[j];
        carry[j] = dnew * z[j] + dh[j] * (1.0f - m);
      }
    }
    product(B, H, G, d_rec + t * B * G, G, w, d_h, H, scratch, H);
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
    if (relu) map_relu(a, a, B * H);
    else map_tanh(a, a, B * H);
    f32 *o_t = out + t * B * H;
    for (int b = 0; b < B; b++) {
      f32 m = mask ? mask[t * B + b] : 1.0f;
      for (int j = 0; j < H; j++) {
        f32 shown = a[b * H + j] * m;
        o_t[b * H + j] = shown;
        h[b * H + j] = shown + h[b * H + j] * (1.0f - m);
      }
    }
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
      f32 m = mask ? mask[at] : 1.0f;
      for (int j = 0; j < H; j++) {
        f32 a = keep[at * H + j];
        f32 slope = relu ? (a > 0.0f ? 1.0f : 0.0f) : 1.0f - a * a;
        f32 dh = d_h[b * H + j];
        d_pre[at * H + j] = (dh + d_out[at * H + j]) * m * slope;
        scratch[b * H + j] = dh * (1.0f - m);
      }
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

/* out [N] = Σ_m x[m, ·] for x [M, N]: the gradient of a bias added to every row. Row by row,
 * so that x is read in order and out stays in L1. */
__attribute__((export_name("column_sums"))) void column_sums(int M, int N, const f32 *x,
                                                             f32 *out) {
  for (int j = 0; j < N; j++) out[j] = 0.0f;
  for (int m = 0; m < M; m++) {
    const f32 *row = x + m * N;
    int j = 0;
    for (; j + 4 <= N; j += 4) store(out + j, wasm_f32x4_add(load(out + j), load(row + j)));
    for (; j < N; j++) out[j] += row[j];
  }
}

#ifdef GATED_THREADS
/* ---------------------------------------------------------------------------------------------
 * LSTM inference on several threads (the shared-memory build only). Every thread calls
 * lstm_forward_part with the same job and its own part number; part p owns units
 * [unit_start(p), unit_start(p + 1)) of every gate: it packs those rows of W_hh, multiplies
 * the whole h by them and runs their gate math, writing its columns of the next h. A barrier
 * after each step publishes h; h alternates between two buffers so that no part writes what
 * another is still reading.
 */
enum {
  J_T, J_B, J_H, J_PARTS, J_XG, J_H0, J_C0, J_W, J_MASK, J_OUT, J_HA, J_HB, J_C, J_SCRATCH,
  J_SCRATCH_FLOATS, J_COUNT, J_GENERATION, J_FAILED
};

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

/* First unit of part p; parts after the first start on a multiple of 4. */
static int unit_start(int p, int parts, int H) {
  if (p <= 0) return 0;
  if (p >= parts) return H;
  return (p * H / parts) & ~3;
}

/* Floats of scratch one part needs: its four packed weight blocks and its pre-activations. */
__attribute__((export_name("lstm_part_floats"))) int lstm_part_floats(int B, int H, int parts) {
  int most = 0;
  for (int p = 0; p < parts; p++) {
    int U = unit_start(p + 1, parts, H) - unit_start(p, parts, H);
    int floats = 4 * ((U + PANEL - 1) / PANEL) * PANEL * H + B * 4 * U;
    if (floats > most) most = floats;
  }
  return most;
}

__attribute__((export_name("lstm_forward_part"))) void lstm_forward_part(int *job, int p) {
  int T = job[J_T], B = job[J_B], H = job[J_H], parts = job[J_PARTS], G = 4 * H;
  const f32 *xg = (const f32 *)job[J_XG], *h0 = (const f32 *)job[J_H0];
  const f32 *c0 = (const f32 *)job[J_C0], *w = (const f32 *)job[J_W];
  const f32 *mask = (const f32 *)job[J_MASK];
  f32 *out = (f32 *)job[J_OUT], *c = (f32 *)job[J_C];
  f32 *h_a = (f32 *)job[J_HA], *h_b = (f32 *)job[J_HB];
  int j0 = unit_start(p, parts, H), U = unit_start(p + 1, parts, H) - j0;
  int panel = ((U + PANEL - 1) / PANEL) * PANEL * H;
  f32 *packed = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS];
  f32 *z = packed + 4 * panel; /* [B, 4U]: this part's i, f, g, o */
  for (int q = 0; q < 4; q++) pack_panels(H, U, w + (q * H + j0) * H, 1, packed + q * panel);
  for (int b = 0; b < B; b++) {
    copy(h_a + b * H + j0, h0 + b * H + j0, U);
    copy(c + b * H + j0, c0 + b * H + j0, U);
  }
  if (barrier(job, parts)) return;
  for (int t = 0; t < T; t++) {
    f32 *h_in = (t & 1) ? h_b : h_a, *h_out = (t & 1) ? h_a : h_b;
    for (int q = 0; q < 4; q++)
      product(B, U, H, h_in, H, packed + q * panel, z + q * U, 4 * U,
              xg + t * B * G + q * H + j0, G);
    for (int b = 0; b < B; b++)
      lstm_row(U, z + b * 4 * U, 0, c + b * H + j0, h_in + b * H + j0, h_out + b * H + j0,
               out + (t * B + b) * H + j0, 0, mask ? mask[t * B + b] : 1.0f);
    if (barrier(job, parts)) return;
  }
}
#endif
