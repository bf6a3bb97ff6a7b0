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
    c0l = madd(x0, bl, c0l);
    c0h = madd(x0, bh, c0h);
    c1l = madd(x1, bl, c1l);
    c1h = madd(x1, bh, c1h);
    c2l = madd(x2, bl, c2l);
    c2h = madd(x2, bh, c2h);
    c3l = madd(x3, bl, c3l);
    c3h = madd(x3, bh, c3h);
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
    lo = madd(x0, load(bp + k * PANEL), lo);
    hi = madd(x0, load(bp + k * PANEL + 4), hi);
  }
  finish_row(out, lo, hi, in, width);
}

/*
 * One row of C against four full panels (32 columns): eight independent accumulator chains, where
 * block1 has two, so that a single row (decoding one sequence) keeps the multiply-add unit busy
 * instead of waiting on each add's latency. Same order of sums per output as block1.
 */
static inline void block1x4(int K, const f32 *a, const f32 *bp, f32 *out, const f32 *in) {
  const f32 *b0 = bp, *b1 = bp + K * PANEL, *b2 = bp + 2 * K * PANEL, *b3 = bp + 3 * K * PANEL;
  vec l0 = splat(0), h0 = splat(0), l1 = splat(0), h1 = splat(0);
  vec l2 = splat(0), h2 = splat(0), l3 = splat(0), h3 = splat(0);
  for (int k = 0; k < K; k++) {
    vec x = splat(a[k]);
    int at = k * PANEL;
    l0 = madd(x, load(b0 + at), l0);
    h0 = madd(x, load(b0 + at + 4), h0);
    l1 = madd(x, load(b1 + at), l1);
    h1 = madd(x, load(b1 + at + 4), h1);
    l2 = madd(x, load(b2 + at), l2);
    h2 = madd(x, load(b2 + at + 4), h2);
    l3 = madd(x, load(b3 + at), l3);
    h3 = madd(x, load(b3 + at + 4), h3);
  }
  finish_row(out, l0, h0, in, PANEL);
  finish_row(out + PANEL, l1, h1, in ? in + PANEL : 0, PANEL);
  finish_row(out + 2 * PANEL, l2, h2, in ? in + 2 * PANEL : 0, PANEL);
  finish_row(out + 3 * PANEL, l3, h3, in ? in + 3 * PANEL : 0, PANEL);
}

/*
 * C[M, N] = init + A[M, K] · B, B packed by pack_panels. `init` is a matrix with row stride
 * `ldi` (it may be C itself), a row broadcast to every row when ldi = 0, or none when null.
 * Panels outside, rows inside: a panel ([K, 8], 4 KiB at K = 128) stays in L1 across all rows.
 */
static void product(int M, int N, int K, const f32 *a, int lda, const f32 *packed, f32 *c,
                    int ldc, const f32 *init, int ldi) {
  int panels = (N + PANEL - 1) / PANEL, full = N / PANEL, M4 = M & ~3;
  for (int p = 0; p < panels && M4; p++) {
    int col = p * PANEL, width = N - col < PANEL ? N - col : PANEL;
    const f32 *in = init ? init + col : 0;
    for (int row = 0; row < M4; row += 4)
      block4(K, a + row * lda, lda, 1, packed + p * K * PANEL, c + row * ldc + col, ldc,
             in ? in + row * ldi : 0, ldi, width);
  }
  /* The rows left over (every row below four): four panels at a time, then one. */
  for (int row = M4; row < M; row++) {
    const f32 *x = a + row * lda, *in = init ? init + row * ldi : 0;
    f32 *out = c + row * ldc;
    int p = 0;
    for (; p + 4 <= full; p += 4)
      block1x4(K, x, packed + p * K * PANEL, out + p * PANEL, in ? in + p * PANEL : 0);
    for (; p < panels; p++) {
      int col = p * PANEL, width = N - col < PANEL ? N - col : PANEL;
      block1(K, x, 1, packed + p * K * PANEL, out + col, in ? in + col : 0, width);
    }
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

/* The four sums of s0, s1, s2, s3 as one vector (a 4 × 4 transpose of partial sums). */
static inline vec sum4(vec s0, vec s1, vec s2, vec s3) {
  vec a = wasm_f32x4_add(wasm_i32x4_shuffle(s0, s1, 0, 4, 1, 5), wasm_i32x4_shuffle(s0, s1, 2, 6, 3, 7));
  vec b = wasm_f32x4_add(wasm_i32x4_shuffle(s2, s3, 0, 4, 1, 5), wasm_i32x4_shuffle(s2, s3, 2, 6, 3, 7));
  return wasm_f32x4_add(wasm_i32x4_shuffle(a, b, 0, 1, 4, 5), wasm_i32x4_shuffle(a, b, 2, 3, 6, 7));
}

/* One output of product_rows: the dot product of x and w over K, plus init (or 0). */
static inline f32 dot_row(int K, const f32 *x, const f32 *w) {
  vec s0 = splat(0), s1 = splat(0);
  int k = 0;
  for (; k + 8 <= K; k += 8) {
    s0 = madd(load(x + k), load(w + k), s0);
    s1 = madd(load(x + k + 4), load(w + k + 4), s1);
  }
  for (; k + 4 <= K; k += 4) s0 = madd(load(x + k), load(w + k), s0);
  s0 = wasm_f32x4_add(s0, s1);
  f32 sum = wasm_f32x4_extract_lane(s0, 0) + wasm_f32x4_extract_lane(s0, 1) +
            wasm_f32x4_extract_lane(s0, 2) + wasm_f32x4_extract_lane(s0, 3);
  for (; k < K; k++) sum += x[k] * w[k];
  return sum;
}

/*
 * C[M, N] = init + A[M, K] · Wᵀ for W [N, K] read as it is, row by row: a dot product per output.
 * For a few rows (decoding one token) this beats packing W, which costs as much as the product.
 * Four outputs at a time, each with two accumulators (eight independent chains: one chain per
 * output would leave the adder, or the fused multiply-add with its longer latency, idle most
 * cycles); their partial-sum vectors are reduced together.
 */
static void product_rows(int M, int N, int K, const f32 *a, int lda, const f32 *w, f32 *c,
                         int ldc, const f32 *init, int ldi) {
  int K4 = K & ~3;
  for (int row = 0; row < M; row++) {
    const f32 *x = a + row * lda;
    const f32 *in = init ? init + row * ldi : 0;
    f32 *out = c + row * ldc;
    int n = 0;
    for (; n + 4 <= N; n += 4) {
      const f32 *w0 = w + n * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K;
      vec s0 = splat(0), s1 = splat(0), s2 = splat(0), s3 = splat(0);
      vec t0 = splat(0), t1 = splat(0), t2 = splat(0), t3 = splat(0);
      int k = 0;
      for (; k + 8 <= K4; k += 8) {
        vec xv = load(x + k), xw = load(x + k + 4);
        s0 = madd(xv, load(w0 + k), s0);
        s1 = madd(xv, load(w1 + k), s1);
        s2 = madd(xv, load(w2 + k), s2);
        s3 = madd(xv, load(w3 + k), s3);
        t0 = madd(xw, load(w0 + k + 4), t0);
        t1 = madd(xw, load(w1 + k + 4), t1);
        t2 = madd(xw, load(w2 + k + 4), t2);
        t3 = madd(xw, load(w3 + k + 4), t3);
      }
      for (; k < K4; k += 4) {
        vec xv = load(x + k);
        s0 = madd(xv, load(w0 + k), s0);
        s1 = madd(xv, load(w1 + k), s1);
        s2 = madd(xv, load(w2 + k), s2);
        s3 = madd(xv, load(w3 + k), s3);
      }
      s0 = wasm_f32x4_add(s0, t0);
      s1 = wasm_f32x4_add(s1, t1);
      s2 = wasm_f32x4_add(s2, t2);
      s3 = wasm_f32x4_add(s3, t3);
      vec sums = sum4(s0, s1, s2, s3);
      if (in) sums = wasm_f32x4_add(sums, wasm_v128_load(in + n));
      if (K4 < K) {
        f32 t[4] = {0, 0, 0, 0};
        for (int k = K4; k < K; k++) {
          t[0] += x[k] * w0[k];
          t[1] += x[k] * w1[k];
          t[2] += x[k] * w2[k];
          t[3] += x[k] * w3[k];
        }
        sums = wasm_f32x4_add(sums, wasm_f32x4_make(t[0], t[1], t[2], t[3]));
      }
      store(out + n, sums);
    }
    for (; n < N; n++) out[n] = dot_row(K, x, w + n * K) + (in ? in[n] : 0.0f);
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

