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

/* c [M, N] = a [M, K] · B + bias for B already packed by pack_panels (a weight kept packed
 * across calls); bias [N] or null. */
__attribute__((export_name("matmul_packed"))) void matmul_packed(int M, int N, int K,
                                                                 const f32 *a, const f32 *packed,
                                                                 const f32 *bias, f32 *c) {
  product(M, N, K, a, K, packed, c, N, bias, 0);
}
