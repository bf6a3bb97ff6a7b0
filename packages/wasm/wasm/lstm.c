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
 * w = W_hh [4H, H] row by row (a few rows over a few steps; the caller decides).
 * mask [T, B] or null: where it is 0 the state is carried and the output is 0 (packed sequences).
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

