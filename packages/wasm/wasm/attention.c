/* ---------------------------------------------------------------------------------------------
 * Additive attention's forward, one call per decoder step (Bahdanau, Cho & Bengio 2014, §A.1.2):
 * for each batch row b,
 *   q      = W s_b                               (the query layer, W [A, Hq] in PyTorch's layout)
 *   e_j    = Σ_a v_a tanh(k[b, j, a] + q_a)       (eq. 6; k = U h_j, projected once per source)
 *   α      = softmax(e) over the positions the mask keeps (masked ones get exactly 0)
 *   c      = Σ_j α_j h[b, j, ·]                   (eq. 5)
 */

/*
 * One batch row once q is projected: q [A], keys [S, A], energy [A] (vᵀ), keep [S] or null (1
 * keeps a position, any other value drops it, as the op-by-op softmax with its -1e9 offset does
 * when a row keeps one; a row that keeps none gets weights and context 0, as there), values
 * [S, H] → e [S] (the weights α), c [H] (the context).
 */
static void attend_row(int S, int A, int H, const f32 *q, const f32 *keys, const f32 *energy,
                       const f32 *keep, const f32 *values, f32 *e, f32 *c) {
  f32 largest = -3.4e38f;
  for (int j = 0; j < S; j++) {
    const f32 *k = keys + j * A;
    vec sum = splat(0.0f);
    int a = 0;
    for (; a + 4 <= A; a += 4)
      sum = madd(load(energy + a), v_tanh(wasm_f32x4_add(load(k + a), load(q + a))), sum);
    f32 score = wasm_f32x4_extract_lane(sum, 0) + wasm_f32x4_extract_lane(sum, 1) +
                wasm_f32x4_extract_lane(sum, 2) + wasm_f32x4_extract_lane(sum, 3);
    for (; a < A; a++) score += energy[a] * SCALAR(v_tanh, k[a] + q[a]);
    e[j] = score;
    if ((!keep || keep[j] == 1.0f) && score > largest) largest = score;
  }
  f32 total = 0.0f;
  for (int j = 0; j < S; j++) {
    f32 p = keep && keep[j] != 1.0f ? 0.0f : SCALAR(v_exp, e[j] - largest);
    e[j] = p;
    total += p;
  }
  f32 scale = total > 0.0f ? 1.0f / total : 0.0f;
  for (int i = 0; i < H; i++) c[i] = 0.0f;
  for (int j = 0; j < S; j++) {
    f32 alpha = e[j] * scale;
    e[j] = alpha;
    if (alpha == 0.0f) continue;
    const f32 *h = values + j * H;
    vec va = splat(alpha);
    int i = 0;
    for (; i + 4 <= H; i += 4) store(c + i, madd(va, load(h + i), load(c + i)));
    for (; i < H; i++) c[i] += alpha * h[i];
  }
}

/*
 * Every batch row: query [B, Hq], w_query [A, Hq], keys [B, S, A], energy [A], mask [B, S] or
 * null, values [B, S, H] → weights [B, S], context [B, H]. packed: scratch of
 * ceil(A / 8) · 8 · Hq floats (W packed, used from FEW_ROWS rows on), projected: B · A floats.
 * No gradient: the op-by-op path runs where one is needed.
 */
__attribute__((export_name("additive_attention"))) void additive_attention(
    int B, int S, int A, int Hq, int H, const f32 *query, const f32 *w_query, const f32 *keys,
    const f32 *energy, const f32 *mask, const f32 *values, f32 *packed, f32 *projected,
    f32 *weights, f32 *context) {
  if (B < FEW_ROWS) {
    product_rows(B, A, Hq, query, Hq, w_query, projected, A, 0, 0);
  } else {
    pack_panels(Hq, A, w_query, 1, packed);
    product(B, A, Hq, query, Hq, packed, projected, A, 0, 0);
  }
  for (int b = 0; b < B; b++)
    attend_row(S, A, H, projected + b * A, keys + b * S * A, energy, mask ? mask + b * S : 0,
               values + b * S * H, weights + b * S, context + b * H);
}
