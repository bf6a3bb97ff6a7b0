/* The LSTM's parts of a pool job (pool.c: the protocol, the splits and the buffers). */

/*
 * The LSTM forward (OP_INFER, OP_TRAIN). x [T·B, I]; gates [T·B, 4H] receives x W_ihᵀ + b and
 * then, step by step, the recurrent term and (training) the activations; hist, chist
 * [T + 1, B, H] the states; out [T, B, H] the masked outputs (with a mask; without one they are hist[1..T]);
 * tanhc [T, B, H] (training) tanh of each new cell state.
 */
static void lstm_forward_part(int *job, int p) {
  int T = job[J_T], B = job[J_B], H = job[J_H], I = job[J_I], parts = job[J_PARTS], G = 4 * H;
  int training = job[J_OP] == OP_TRAIN;
  const f32 *x = (const f32 *)job[J_X], *wih = (const f32 *)job[J_WIH];
  const f32 *bias = (const f32 *)job[J_BIAS], *whh = (const f32 *)job[J_WHH];
  const f32 *h0 = (const f32 *)job[J_H0], *c0 = (const f32 *)job[J_C0];
  const f32 *mask = (const f32 *)job[J_MASK];
  f32 *gates = (f32 *)job[J_GATES], *hist = (f32 *)job[J_HIST], *chist = (f32 *)job[J_CHIST];
  f32 *tanhc = (f32 *)job[J_TANHC], *out = (f32 *)job[J_OUT];
  share s = part_share(p, parts, B, H);
  int j0 = s.j0, U = s.U, b0 = s.b0, Up = round_panel(U);
  f32 *pw = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* 4 × [H, Up]: W_hh rows, ᵀ */
  f32 *pi = pw + 4 * Up * H;                                   /* 4 × [I, Up]: W_ih rows, ᵀ */
  for (int q = 0; q < 4; q++) {
    int row = q * H + j0;
    pack_strided(H, U, whh + row * H, H, 1, pw + q * Up * H);
    pack_strided(I, U, wih + row * I, I, 1, pi + q * Up * I);
    project_rows(T, B, b0, s.rows, U, I, x, pi + q * Up * I, gates + row, G, bias ? bias + row : 0);
  }
  for (int b = b0; b < b0 + s.rows; b++) {
    copy(hist + b * H + j0, h0 + b * H + j0, U);
    copy(chist + b * H + j0, c0 + b * H + j0, U);
  }
  if (step_barrier(job, p, parts, B)) return;
  for (int t = 0; t < T; t++) {
    f32 *z = gates + (t * B + b0) * G, *h_in = hist + t * B * H, *h_out = h_in + B * H;
    f32 *c_in = chist + t * B * H, *c_out = c_in + B * H;
    for (int q = 0; q < 4; q++)
      product(s.rows, U, H, h_in + b0 * H, H, pw + q * Up * H, z + q * H + j0, G, z + q * H + j0, G);
    for (int b = b0; b < b0 + s.rows; b++) {
      int at = t * B + b, k = b * H + j0;
      lstm_row(U, H, z + (b - b0) * G + j0, training, c_in + k, c_out + k, h_in + k, h_out + k,
               mask ? out + at * H + j0 : h_out + k, training ? tanhc + at * H + j0 : 0,
               mask ? mask[at] : 1.0f);
    }
    if (step_barrier(job, p, parts, B)) return;
  }
}

/*
 * Backpropagation through time of an LSTM OP_TRAIN forward (OP_BACKWARD), its gates turned into dz
 * in place. dout [T, B, H]; dh, dc [B, H] hold the gradients of h_n and c_n and end as those of
 * h_0 and c_0.
 */
static void lstm_backward_part(int *job, int p) {
  int T = job[J_T], B = job[J_B], H = job[J_H], parts = job[J_PARTS], G = 4 * H;
  const f32 *whh = (const f32 *)job[J_WHH], *mask = (const f32 *)job[J_MASK];
  const f32 *dout = (const f32 *)job[J_DOUT], *chist = (const f32 *)job[J_CHIST];
  const f32 *tanhc = (const f32 *)job[J_TANHC];
  f32 *dz = (f32 *)job[J_GATES], *dh = (f32 *)job[J_DH], *dc = (f32 *)job[J_DC];
  share s = part_share(p, parts, B, H);
  int j0 = s.j0, U = s.U, b0 = s.b0;
  f32 *pc = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [4H, Up]: W_hh columns */
  f32 *carry = pc + G * round_panel(U);                        /* [rows, U] */
  pack_strided(G, U, whh + j0, H, 0, pc);
  for (int t = T - 1; t >= 0; t--) {
    for (int b = b0; b < b0 + s.rows; b++) {
      int at = t * B + b, k = b * H + j0;
      f32 *row = dz + at * G + j0;
      lstm_row_backward(U, H, row, row, tanhc + at * H + j0, chist + t * B * H + k,
                        dout + at * H + j0, dh + k, dc + k, carry + (b - b0) * U,
                        mask ? mask[at] : 1.0f);
    }
    if (step_barrier(job, p, parts, B)) return;
    product(s.rows, U, G, dz + (t * B + b0) * G, G, pc, dh + b0 * H + j0, H, carry, U);
  }
}
