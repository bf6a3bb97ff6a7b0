/* The GRU's parts of a pool job (pool.c: the protocol, the splits and the buffers). */

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
  share s = part_share(p, parts, B, H);
  int j0 = s.j0, U = s.U, b0 = s.b0, Up = round_panel(U);
  f32 *pw = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* 3 × [H, Up]: W_hh rows, ᵀ */
  f32 *pi = pw + 3 * Up * H;                                   /* 3 × [I, Up]: W_ih rows, ᵀ */
  f32 *hg = pi + 3 * Up * I;                                   /* [rows, 3U]: h_r, h_z, h_n */
  for (int q = 0; q < 3; q++) {
    int row = q * H + j0;
    pack_strided(H, U, whh + row * H, H, 1, pw + q * Up * H);
    pack_strided(I, U, wih + row * I, I, 1, pi + q * Up * I);
    project_rows(T, B, b0, s.rows, U, I, x, pi + q * Up * I, xg + row, G, bias ? bias + row : 0);
  }
  for (int b = b0; b < b0 + s.rows; b++) copy(hist + b * H + j0, h0 + b * H + j0, U);
  if (step_barrier(job, p, parts, B)) return;
  for (int t = 0; t < T; t++) {
    f32 *h_in = hist + t * B * H, *h_out = h_in + B * H;
    for (int q = 0; q < 3; q++)
      product(s.rows, U, H, h_in + b0 * H, H, pw + q * Up * H, hg + q * U, 3 * U,
              bhh ? bhh + q * H + j0 : 0, 0);
    for (int b = b0; b < b0 + s.rows; b++) {
      int at = t * B + b, k = b * H + j0;
      gru_row(U, xg + at * G + j0, H, hg + (b - b0) * 3 * U, U, h_in + k, h_out + k,
              mask ? out + at * H + j0 : h_out + k, training ? gates + at * 4 * H + j0 : 0, H,
              mask ? mask[at] : 1.0f);
    }
    if (step_barrier(job, p, parts, B)) return;
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
  share s = part_share(p, parts, B, H);
  int j0 = s.j0, U = s.U, b0 = s.b0;
  f32 *pc = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [3H, Up]: W_hh columns */
  f32 *carry = pc + G * round_panel(U);                        /* [rows, U] */
  pack_strided(G, U, whh + j0, H, 0, pc);
  for (int t = T - 1; t >= 0; t--) {
    for (int b = b0; b < b0 + s.rows; b++) {
      int at = t * B + b, k = b * H + j0;
      f32 *row = gates + at * W + j0;
      gru_row_backward(U, row, H, hist + t * B * H + k, dout + at * H + j0, dh + k,
                       d_x + at * G + j0, H, row, H, carry + (b - b0) * U, mask ? mask[at] : 1.0f);
    }
    if (step_barrier(job, p, parts, B)) return;
    product(s.rows, U, G, gates + (t * B + b0) * W, W, pc, dh + b0 * H + j0, H, carry, U);
  }
}
