/* The weight and input gradients of a pool job, for every kind (pool.c: the protocol). */

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
  return barrier(job, p, parts);
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
