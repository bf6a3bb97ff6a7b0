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

