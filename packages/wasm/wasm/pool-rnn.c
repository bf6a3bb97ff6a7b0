/* The Elman RNN's parts of a pool job (pool.c: the protocol, the unit split and the buffers). */

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
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  f32 *pw = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [H, Up]: W_hh rows, ᵀ */
  f32 *pi = pw + round_panel(U) * H;                           /* [I, Up]: W_ih rows, ᵀ */
  pack_strided(H, U, whh + j0 * H, H, 1, pw);
  pack_strided(I, U, wih + j0 * I, I, 1, pi);
  product(T * B, U, I, x, I, pi, gates + j0, H, bias ? bias + j0 : 0, 0);
  for (int b = 0; b < B; b++) copy(hist + b * H + j0, h0 + b * H + j0, U);
  if (barrier(job, p, parts)) return;
  for (int t = 0; t < T; t++) {
    f32 *z = gates + t * B * H, *h_in = hist + t * B * H, *h_out = h_in + B * H;
    product(B, U, H, h_in, H, pw, z + j0, H, z + j0, H);
    for (int b = 0; b < B; b++) {
      int at = t * B + b, k = b * H + j0;
      rnn_row(U, z + k, relu, h_in + k, h_out + k, mask ? out + at * H + j0 : h_out + k,
              mask ? mask[at] : 1.0f);
    }
    if (barrier(job, p, parts)) return;
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
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  f32 *pc = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [H, Up]: W_hh columns */
  f32 *carry = pc + H * round_panel(U);                        /* [B, U] */
  pack_strided(H, U, whh + j0, H, 0, pc);
  for (int t = T - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      int at = t * B + b;
      f32 *row = gates + at * H + j0;
      rnn_row_backward(U, row, row, relu, dout + at * H + j0, dh + b * H + j0, carry + b * U,
                       mask ? mask[at] : 1.0f);
    }
    if (barrier(job, p, parts)) return;
    product(B, U, H, gates + t * B * H, H, pc, dh + j0, H, carry, U);
  }
}
