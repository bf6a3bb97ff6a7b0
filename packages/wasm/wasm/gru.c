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

