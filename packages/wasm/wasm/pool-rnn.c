/* The Elman RNN's parts of a pool job (pool.c: the protocol, the splits and the buffers). */

/*
 * The Elman RNN forward (OP_INFER, OP_TRAIN). x [T·B, I]; gates [T·B, H] receives
 * x W_ihᵀ + b_ih + b_hh, then step by step the recurrent term and the activations; hist
 * [T + 1, B, H] the states; out [T, B, H] the masked outputs (with a mask).
 */
static void rnn_forward_part(int *job, int p) {
  int T = job[J_T], B = job[J_B], H = job[J_H], I = job[J_I], parts = job[J_PARTS];
  int relu = job[J_KIND] == KIND_RNN_RELU;
  const f32 *x = (const f32 *)job[J_X], *wih = (const f32 *)job[J_WIH];
  const f32 *bias = (const f32 *)job[J_BIAS], *whh = (const f32 *)job[J_WHH];
  const f32 *h0 = (const f32 *)job[J_H0], *mask = (const f32 *)job[J_MASK];
  f32 *gates = (f32 *)job[J_GATES], *hist = (f32 *)job[J_HIST], *out = (f32 *)job[J_OUT];
  share s = part_share(p, parts, B, H);
  int j0 = s.j0, U = s.U, b0 = s.b0;
  f32 *pw = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [H, Up]: W_hh rows, ᵀ */
  f32 *pi = pw + round_panel(U) * H;                           /* [I, Up]: W_ih rows, ᵀ */
  pack_strided(H, U, whh + j0 * H, H, 1, pw);
  pack_strided(I, U, wih + j0 * I, I, 1, pi);
  project_rows(T, B, b0, s.rows, U, I, x, pi, gates + j0, H, bias ? bias + j0 : 0);
  for (int b = b0; b < b0 + s.rows; b++) copy(hist + b * H + j0, h0 + b * H + j0, U);
  if (step_barrier(job, p, parts, B)) return;
  for (int t = 0; t < T; t++) {
    f32 *z = gates + t * B * H, *h_in = hist + t * B * H, *h_out = h_in + B * H;
    product(s.rows, U, H, h_in + b0 * H, H, pw, z + b0 * H + j0, H, z + b0 * H + j0, H);
    for (int b = b0; b < b0 + s.rows; b++) {
      int at = t * B + b, k = b * H + j0;
      rnn_row(U, z + k, relu, h_in + k, h_out + k, mask ? out + at * H + j0 : h_out + k,
              mask ? mask[at] : 1.0f);
    }
    if (step_barrier(job, p, parts, B)) return;
  }
}

/*
 * Backpropagation through time of an Elman OP_TRAIN forward (OP_BACKWARD): d_pre replaces the
 * activations in gates. dout [T, B, H]; dh [B, H] holds the gradient of h_n and ends as that
 * of h_0.
 */
static void rnn_backward_part(int *job, int p) {
  int T = job[J_T], B = job[J_B], H = job[J_H], parts = job[J_PARTS];
  int relu = job[J_KIND] == KIND_RNN_RELU;
  const f32 *whh = (const f32 *)job[J_WHH], *mask = (const f32 *)job[J_MASK];
  const f32 *dout = (const f32 *)job[J_DOUT];
  f32 *gates = (f32 *)job[J_GATES], *dh = (f32 *)job[J_DH];
  share s = part_share(p, parts, B, H);
  int j0 = s.j0, U = s.U, b0 = s.b0;
  f32 *pc = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [H, Up]: W_hh columns */
  f32 *carry = pc + H * round_panel(U);                        /* [rows, U] */
  pack_strided(H, U, whh + j0, H, 0, pc);
  for (int t = T - 1; t >= 0; t--) {
    for (int b = b0; b < b0 + s.rows; b++) {
      int at = t * B + b;
      f32 *row = gates + at * H + j0;
      rnn_row_backward(U, row, row, relu, dout + at * H + j0, dh + b * H + j0, carry + (b - b0) * U,
                       mask ? mask[at] : 1.0f);
    }
    if (step_barrier(job, p, parts, B)) return;
    product(s.rows, U, H, gates + (t * B + b0) * H, H, pc, dh + b0 * H + j0, H, carry, U);
  }
}
