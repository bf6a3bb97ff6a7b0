/* ---------------------------------------------------------------------------------------------
 * Greedy decoding by an attention decoder (Bahdanau, Cho & Bengio 2014) with one LSTM layer,
 * the whole loop in one call: per step and batch row, as AttentionDecoder.step computes it,
 *   α, c  = additive attention from s_{t-1}            (attend_row, attention.c)
 *   z     = [E y_{t-1}; c] W_ihᵀ + b_ih + s_{t-1} W_hhᵀ + b_hh, then the LSTM cell → s_t
 *   ã     = tanh([s_t; c] W_cᵀ)                         (Luong et al. 2015, eq. 5)
 *   ℓ     = ã W_oᵀ + b_o, y_t = argmax ℓ (EOS at step L)
 * A row that has emitted EOS leaves the batch: the rows still decoding are kept contiguous
 * (in their order), so every product runs on them alone.
 *
 * Rows: B of the batch, first, first + stride, …: row-indexed arrays are the whole batch's.
 * Sizes: S source positions, E embedding, H hidden (the decoder's and the query's),
 * He encoder output (keys and values), A attention, V vocabulary, L the last step (maxLength).
 * Weights, packed by pack_panels as Wᵀ: w_ih [E + He, 4H], w_hh [H, 4H], w_query [H, A],
 * w_combine [H + He, H], w_out [H, V]; b_ih, b_hh [4H], energy [A] (vᵀ), b_out [V], embedding
 * [V, E]. Per row: keys [B, S, A] (U h_j), values [B, S, He], mask [B, S] (1 keeps a position),
 * h0, c0 [B, H].
 *
 * Out: record [B, L + 1, 4]: per step the token (as a float), its logit, the largest logit and
 * Σ_v exp(ℓ_v - largest), from which the caller takes log p = logit - largest - log Σ (steps
 * after a row's EOS are left as they were); attention [B, L + 1, S] or null: the weights α.
 * Scratch: floats of greedy_decode_floats(B, ...), ints of 2B.
 */

/* Floats of greedy_decode's scratch. */
__attribute__((export_name("greedy_decode_floats"))) int greedy_decode_floats(int B, int S, int E,
                                                                              int H, int He,
                                                                              int A, int V) {
  return B * (E + He) + B * (H + He) + B * H + B * A + B * 4 * H + B * H + B * V + 4 * H + S;
}

/* Moves row `from`'s state into row `to` (to < from) of the contiguous rows still decoding. */
static void move_row(int from, int to, int H, int He, f32 *comb, f32 *c, int *rows, int *prev) {
  copy(comb + to * (H + He), comb + from * (H + He), H);
  copy(c + to * H, c + from * H, H);
  rows[to] = rows[from];
  prev[to] = prev[from];
}

/*
 * One step of the decoder for n rows (the equations above, up to the logits). Slot s is batch row
 * rows[s] (null: s), fed token prev[s]; comb[s] holds s_{t-1} (replaced by s_t) and c[s] the
 * cell state (updated in place); α of row r goes to alpha + r·alpha_stride (null: to `weights`,
 * scratch of S floats). x, q, z, att: scratch rows; logits [n, V] receives ℓ.
 */
static void decoder_step(int n, const int *rows, const int *prev, int S, int E, int H, int He,
                         int A, int V, const f32 *embedding, const f32 *w_ih, const f32 *bias,
                         const f32 *w_hh, const f32 *w_query, const f32 *energy,
                         const f32 *w_combine, const f32 *w_out, const f32 *b_out,
                         const f32 *keys, const f32 *values, const f32 *mask, f32 *alpha,
                         int alpha_stride, f32 *weights, f32 *x, f32 *comb, f32 *c, f32 *q,
                         f32 *z, f32 *att, f32 *logits) {
  int X = E + He, C = H + He, G = 4 * H;
  product(n, A, H, comb, C, w_query, q, A, 0, 0);
  for (int s = 0; s < n; s++) {
    int r = rows ? rows[s] : s;
    f32 *a = alpha ? alpha + r * alpha_stride : weights;
    attend_row(S, A, He, q + s * A, keys + r * S * A, energy, mask + r * S, values + r * S * He, a,
               x + s * X + E);
    copy(x + s * X, embedding + prev[s] * E, E);
  }
  product(n, G, X, x, X, w_ih, z, G, bias, 0);
  product(n, G, H, comb, C, w_hh, z, G, z, G);
  for (int s = 0; s < n; s++) {
    f32 *h = comb + s * C;
    lstm_row(H, H, z + s * G, 0, c + s * H, c + s * H, h, h, h, 0, 1.0f);
    copy(h + H, x + s * X + E, He);
  }
  product(n, H, C, comb, C, w_combine, att, H, 0, 0);
  int i = 0;
  for (; i + 4 <= n * H; i += 4) store(att + i, v_tanh(load(att + i)));
  for (; i < n * H; i++) att[i] = SCALAR(v_tanh, att[i]);
  product(n, V, H, att, H, w_out, logits, V, b_out, 0);
}

__attribute__((export_name("greedy_decode"))) void greedy_decode(
    int B, int first, int stride, int S, int E, int H, int He, int A, int V, int L, int bos, int eos,
    const f32 *embedding, const f32 *w_ih, const f32 *b_ih, const f32 *w_hh, const f32 *b_hh,
    const f32 *w_query, const f32 *energy, const f32 *w_combine, const f32 *w_out,
    const f32 *b_out, const f32 *keys, const f32 *values, const f32 *mask, const f32 *h0,
    const f32 *c0, f32 *record, f32 *attention, f32 *scratch, int *ints) {
  int X = E + He, C = H + He, G = 4 * H;
  f32 *x = scratch;      /* [n, E + He]: [E y_{t-1}; c] */
  f32 *comb = x + B * X; /* [n, H + He]: [s; c], s_{t-1} until the cell runs */
  f32 *c = comb + B * C; /* [n, H] the cell state */
  f32 *q = c + B * H;    /* [n, A] W s_{t-1} */
  f32 *z = q + B * A;    /* [n, 4H] the gates */
  f32 *att = z + B * G;  /* [n, H] ã */
  f32 *logits = att + B * H;
  f32 *bias = logits + B * V; /* [4H] b_ih + b_hh */
  f32 *weights = bias + G;    /* [S] α where the caller keeps none */
  int *rows = ints, *prev = ints + B;
  for (int g = 0; g < G; g++) bias[g] = b_ih[g] + b_hh[g];
  for (int s = 0; s < B; s++) {
    int r = first + s * stride;
    copy(comb + s * C, h0 + r * H, H);
    copy(c + s * H, c0 + r * H, H);
    rows[s] = r;
    prev[s] = bos;
  }
  int n = B;
  for (int t = 0; t <= L && n > 0; t++) {
    decoder_step(n, rows, prev, S, E, H, He, A, V, embedding, w_ih, bias, w_hh, w_query, energy,
                 w_combine, w_out, b_out, keys, values, mask, attention ? attention + t * S : 0,
                 (L + 1) * S, weights, x, comb, c, q, z, att, logits);
    int kept = 0;
    for (int s = 0; s < n; s++) {
      const f32 *l = logits + s * V;
      int best = 0;
      for (int v = 1; v < V; v++)
        if (l[v] > l[best]) best = v;
      int token = t == L ? eos : best;
      double total = 0.0;
      for (int v = 0; v < V; v++) total += SCALAR(v_exp, l[v] - l[best]);
      f32 *out = record + (rows[s] * (L + 1) + t) * 4;
      out[0] = (f32)token;
      out[1] = l[token];
      out[2] = l[best];
      out[3] = (f32)total;
      if (token == eos) continue;
      prev[s] = token;
      if (kept != s) move_row(s, kept, H, He, comb, c, rows, prev);
      kept++;
    }
    n = kept;
  }
}

/*
 * One decoder step for B rows (beam search, or any caller that steps itself): prev [B] (int32)
 * the previous tokens, h, c [B, H] the state → logits [B, V], h_out, c_out [B, H] and the weights
 * α [B, S]. Weights, memory and sizes as greedy_decode's (the memory has B rows). Scratch: floats
 * of greedy_decode_floats(B, ...). Returns -1, or (computing nothing) the first row whose token is
 * not in [0, V).
 */
__attribute__((export_name("decoder_step"))) int decoder_step_kernel(
    int B, int S, int E, int H, int He, int A, int V, const f32 *embedding, const f32 *w_ih,
    const f32 *b_ih, const f32 *w_hh, const f32 *b_hh, const f32 *w_query, const f32 *energy,
    const f32 *w_combine, const f32 *w_out, const f32 *b_out, const f32 *keys, const f32 *values,
    const f32 *mask, const int *prev, const f32 *h, const f32 *c, f32 *logits, f32 *h_out,
    f32 *c_out, f32 *attention, f32 *scratch) {
  for (int r = 0; r < B; r++)
    if (prev[r] < 0 || prev[r] >= V) return r;
  int X = E + He, C = H + He, G = 4 * H;
  f32 *x = scratch, *comb = x + B * X, *q = comb + B * C + B * H, *z = q + B * A;
  f32 *att = z + B * G, *bias = att + B * H + B * V;
  for (int g = 0; g < G; g++) bias[g] = b_ih[g] + b_hh[g];
  for (int r = 0; r < B; r++) copy(comb + r * C, h + r * H, H);
  copy(c_out, c, B * H);
  decoder_step(B, 0, prev, S, E, H, He, A, V, embedding, w_ih, bias, w_hh, w_query, energy,
               w_combine, w_out, b_out, keys, values, mask, attention, S, 0, x, comb, c_out, q, z,
               att, logits);
  for (int r = 0; r < B; r++) copy(h_out + r * H, comb + r * C, H);
  return -1;
}
