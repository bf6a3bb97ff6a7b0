/* ---------------------------------------------------------------------------------------------
 * A whole LSTM, GRU or Elman RNN direction on several threads (the shared-memory build only):
 * inference, the training forward, backpropagation through time and the weight gradients. Every
 * thread calls pool_part with the same job and its own part number; part p owns units
 * [share_start(p), share_start(p + 1)) of every gate, that is the rows of W_ih, W_hh and the
 * biases of those units, the columns of the gates and of their gradients that belong to them
 * and the same columns of h and c. Per time step each part multiplies the whole h by its rows of
 * W_hhᵀ and runs the gate math of its units; a barrier then publishes its columns of the new h.
 * Going back, each part computes the gate gradients of its units, and after a barrier its
 * columns of (that gradient) W_hh. The states of every step are kept (hist, chist:
 * [T + 1, B, H], row t the state step t starts from), so no part ever writes what another may
 * still be reading. The weight gradients and dx are jobs of their own, so that a gradient
 * nobody asks for is never computed.
 *
 * Buffers: LSTM: gates [T·B, 4H] = x W_ihᵀ + b, then the activations, then (backward) dz, which
 * is also the gradient of x W_ihᵀ and of h W_hhᵀ. GRU: xg [T·B, 3H] = x W_ihᵀ + b_ih, then
 * (backward) d_x; gates [T·B, 4H] = r, z, n, h_n (training), then d_rec in its first 3H columns.
 * Elman: gates [T·B, H] = x W_ihᵀ + b, then the activations, then d_pre.
 */
enum {
  J_OP, J_KIND, J_T, J_B, J_H, J_I, J_PARTS, J_X, J_WIH, J_BIAS, J_WHH, J_BHH, J_H0, J_C0,
  J_MASK, J_XG, J_GATES, J_HIST, J_CHIST, J_TANHC, J_OUT, J_DOUT, J_DH, J_DC, J_DWIH, J_DWHH,
  J_DB, J_DBHH, J_DX, J_SCRATCH, J_SCRATCH_FLOATS, J_SHARED, J_NOWAIT, J_COUNT, J_GENERATION,
  J_FAILED,
  J_WORDS
};
/* What a job asks for, and of which recurrence. */
enum { OP_INFER = 1, OP_TRAIN = 2, OP_BACKWARD = 3, OP_WEIGHTS = 4, OP_INPUT_GRAD = 5, OP_DECODE = 6 };
enum { KIND_LSTM = 1, KIND_GRU = 2, KIND_RNN_TANH = 3, KIND_RNN_RELU = 4 };

/* Gates per unit: 4 (LSTM), 3 (GRU), 1 (Elman). */
static int gate_count(int kind) { return kind == KIND_LSTM ? 4 : kind == KIND_GRU ? 3 : 1; }

/* The number of job words, for the caller to check its copy of the layout against. */
__attribute__((export_name("job_words"))) int job_words(void) { return J_WORDS; }

/*
 * Waits until all parts arrive: spins briefly (a step's work is tens of microseconds, and the
 * other parts usually arrive within that), then sleeps in memory.atomic.wait32 in 1 ms slices,
 * so that a descheduled partner costs no CPU. Part 0 of a J_NOWAIT job (a browser's main thread,
 * where waiting traps) only spins. Returns 0, or -1 (and marks the job failed) when another part
 * has failed or has not arrived within about 10 s (spinning: NOWAIT_POLLS polls, a few seconds):
 * a lost thread must not hang the caller forever.
 */
#define SPIN_POLLS 32768
#define WAIT_SLICES 10000
#define NOWAIT_POLLS (1LL << 32)
static int barrier(int *job, int p, int parts) {
  int seen = __atomic_load_n(&job[J_GENERATION], __ATOMIC_ACQUIRE);
  if (__atomic_add_fetch(&job[J_COUNT], 1, __ATOMIC_ACQ_REL) == parts) {
    __atomic_store_n(&job[J_COUNT], 0, __ATOMIC_RELAXED);
    __atomic_add_fetch(&job[J_GENERATION], 1, __ATOMIC_RELEASE);
    __builtin_wasm_memory_atomic_notify(&job[J_GENERATION], (unsigned)parts);
    return 0;
  }
  long long limit = p == 0 && job[J_NOWAIT] ? NOWAIT_POLLS : SPIN_POLLS + WAIT_SLICES;
  for (long long polls = 0;; polls++) {
    if (__atomic_load_n(&job[J_GENERATION], __ATOMIC_ACQUIRE) != seen) return 0;
    if (__atomic_load_n(&job[J_FAILED], __ATOMIC_ACQUIRE)) return -1;
    if (polls >= limit) {
      __atomic_store_n(&job[J_FAILED], 1, __ATOMIC_RELEASE);
      return -1;
    }
    if (polls < SPIN_POLLS || limit == NOWAIT_POLLS) continue;
    __builtin_wasm_memory_atomic_wait32(&job[J_GENERATION], seen, 1000000); /* 1 ms */
  }
}

/* First of part p's share of n things; parts after the first start on a multiple of 4. */
static int share_start(int p, int parts, int n) {
  if (p <= 0) return 0;
  if (p >= parts) return n;
  return (p * n / parts) & ~3;
}

static int round_panel(int n) { return (n + PANEL - 1) / PANEL * PANEL; }

/*
 * Floats of scratch one part needs, the most over all jobs: the forward's packed rows of W_hh
 * and W_ih (and, GRU, its recurrent terms); the backward's packed columns of W_hh and its carry;
 * the weight gradients' strip for product_at; the input gradient's packed W_ih.
 */
__attribute__((export_name("part_floats"))) int part_floats(int kind, int T, int B, int H, int I,
                                                            int parts) {
  int g = gate_count(kind);
  int most = round_panel(I) * g * H;
  if (4 * T * B > most) most = 4 * T * B;
  for (int p = 0; p < parts; p++) {
    int U = round_panel(share_start(p + 1, parts, H) - share_start(p, parts, H));
    int forward = g * U * H + g * U * I + (kind == KIND_GRU ? B * 3 * U : 0);
    int backward = U * g * H + B * U;
    if (forward > most) most = forward;
    if (backward > most) most = backward;
  }
  return most;
}

/* Floats of scratch the parts share: h_prev and x of every step, packed for the weight
 * gradients. */
__attribute__((export_name("shared_floats"))) int shared_floats(int T, int B, int H, int I) {
  return (round_panel(H) + round_panel(I)) * T * B;
}

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
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  int Up = round_panel(U);
  f32 *pw = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* 4 × [H, Up]: W_hh rows, ᵀ */
  f32 *pi = pw + 4 * Up * H;                                   /* 4 × [I, Up]: W_ih rows, ᵀ */
  for (int q = 0; q < 4; q++) {
    int row = q * H + j0;
    pack_strided(H, U, whh + row * H, H, 1, pw + q * Up * H);
    pack_strided(I, U, wih + row * I, I, 1, pi + q * Up * I);
    product(T * B, U, I, x, I, pi + q * Up * I, gates + row, G, bias ? bias + row : 0, 0);
  }
  for (int b = 0; b < B; b++) {
    copy(hist + b * H + j0, h0 + b * H + j0, U);
    copy(chist + b * H + j0, c0 + b * H + j0, U);
  }
  if (barrier(job, p, parts)) return;
  for (int t = 0; t < T; t++) {
    f32 *z = gates + t * B * G, *h_in = hist + t * B * H, *h_out = h_in + B * H;
    f32 *c_in = chist + t * B * H, *c_out = c_in + B * H;
    for (int q = 0; q < 4; q++)
      product(B, U, H, h_in, H, pw + q * Up * H, z + q * H + j0, G, z + q * H + j0, G);
    for (int b = 0; b < B; b++) {
      int at = t * B + b, k = b * H + j0;
      lstm_row(U, H, z + b * G + j0, training, c_in + k, c_out + k, h_in + k, h_out + k,
               mask ? out + at * H + j0 : h_out + k, training ? tanhc + at * H + j0 : 0,
               mask ? mask[at] : 1.0f);
    }
    if (barrier(job, p, parts)) return;
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
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  f32 *pc = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [4H, Up]: W_hh columns */
  f32 *carry = pc + G * round_panel(U);                        /* [B, U] */
  pack_strided(G, U, whh + j0, H, 0, pc);
  for (int t = T - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      int at = t * B + b, k = b * H + j0;
      f32 *row = dz + at * G + j0;
      lstm_row_backward(U, H, row, row, tanhc + at * H + j0, chist + t * B * H + k,
                        dout + at * H + j0, dh + k, dc + k, carry + b * U,
                        mask ? mask[at] : 1.0f);
    }
    if (barrier(job, p, parts)) return;
    product(B, U, G, dz + t * B * G, G, pc, dh + j0, H, carry, U);
  }
}

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
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  int Up = round_panel(U);
  f32 *pw = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* 3 × [H, Up]: W_hh rows, ᵀ */
  f32 *pi = pw + 3 * Up * H;                                   /* 3 × [I, Up]: W_ih rows, ᵀ */
  f32 *hg = pi + 3 * Up * I;                                   /* [B, 3U]: h_r, h_z, h_n */
  for (int q = 0; q < 3; q++) {
    int row = q * H + j0;
    pack_strided(H, U, whh + row * H, H, 1, pw + q * Up * H);
    pack_strided(I, U, wih + row * I, I, 1, pi + q * Up * I);
    product(T * B, U, I, x, I, pi + q * Up * I, xg + row, G, bias ? bias + row : 0, 0);
  }
  for (int b = 0; b < B; b++) copy(hist + b * H + j0, h0 + b * H + j0, U);
  if (barrier(job, p, parts)) return;
  for (int t = 0; t < T; t++) {
    f32 *h_in = hist + t * B * H, *h_out = h_in + B * H;
    for (int q = 0; q < 3; q++)
      product(B, U, H, h_in, H, pw + q * Up * H, hg + q * U, 3 * U,
              bhh ? bhh + q * H + j0 : 0, 0);
    for (int b = 0; b < B; b++) {
      int at = t * B + b, k = b * H + j0;
      gru_row(U, xg + at * G + j0, H, hg + b * 3 * U, U, h_in + k, h_out + k,
              mask ? out + at * H + j0 : h_out + k, training ? gates + at * 4 * H + j0 : 0, H,
              mask ? mask[at] : 1.0f);
    }
    if (barrier(job, p, parts)) return;
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
  int j0 = share_start(p, parts, H), U = share_start(p + 1, parts, H) - j0;
  f32 *pc = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS]; /* [3H, Up]: W_hh columns */
  f32 *carry = pc + G * round_panel(U);                        /* [B, U] */
  pack_strided(G, U, whh + j0, H, 0, pc);
  for (int t = T - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      int at = t * B + b, k = b * H + j0;
      f32 *row = gates + at * W + j0;
      gru_row_backward(U, row, H, hist + t * B * H + k, dout + at * H + j0, dh + k,
                       d_x + at * G + j0, H, row, H, carry + b * U, mask ? mask[at] : 1.0f);
    }
    if (barrier(job, p, parts)) return;
    product(B, U, G, gates + t * B * W, W, pc, dh + j0, H, carry, U);
  }
}

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

/*
 * Greedy decoding (OP_DECODE): job[J_X] is the byte offset of greedy_decode's arguments
 * (D_WORDS int32 words, pointers as byte offsets) and each part decodes its rows on its own
 * scratch. Rows never meet, so no barrier.
 */
enum {
  D_B, D_S, D_E, D_H, D_HE, D_A, D_V, D_L, D_BOS, D_EOS, D_EMBEDDING, D_WIH, D_BIH, D_WHH, D_BHH,
  D_WQUERY, D_ENERGY, D_WCOMBINE, D_WOUT, D_BOUT, D_KEYS, D_VALUES, D_MASK, D_H0, D_C0, D_RECORD,
  D_ATTENTION,
  D_WORDS
};

/* The number of decoding argument words, for the caller to check its copy against. */
__attribute__((export_name("decode_words"))) int decode_words(void) { return D_WORDS; }

/*
 * Part p takes rows p, p + parts, p + 2·parts, …: the batch comes sorted by length, and rows
 * dealt out in turn give every part as many long rows as short ones.
 */
static void decode_part(int *job, int p) {
  const int *d = (const int *)job[J_X];
  int parts = job[J_PARTS], B = d[D_B];
  int n = p < B ? (B - p + parts - 1) / parts : 0;
  if (n == 0) return;
  f32 *scratch = (f32 *)job[J_SCRATCH] + p * job[J_SCRATCH_FLOATS];
  int floats = greedy_decode_floats(n, d[D_S], d[D_E], d[D_H], d[D_HE], d[D_A], d[D_V]);
#define AT(word) ((f32 *)d[word])
  greedy_decode(n, p, parts, d[D_S], d[D_E], d[D_H], d[D_HE], d[D_A], d[D_V], d[D_L], d[D_BOS],
                d[D_EOS], AT(D_EMBEDDING), AT(D_WIH), AT(D_BIH), AT(D_WHH), AT(D_BHH),
                AT(D_WQUERY), AT(D_ENERGY), AT(D_WCOMBINE), AT(D_WOUT), AT(D_BOUT), AT(D_KEYS),
                AT(D_VALUES), AT(D_MASK), AT(D_H0), AT(D_C0), AT(D_RECORD), AT(D_ATTENTION),
                scratch, (int *)(scratch + floats));
#undef AT
}

/* Runs part p of the job at `job` (int32 words, see J_*). */
__attribute__((export_name("pool_part"))) void pool_part(int *job, int p) {
  int op = job[J_OP], kind = job[J_KIND];
  if (op == OP_INFER || op == OP_TRAIN) {
    if (kind == KIND_LSTM) lstm_forward_part(job, p);
    else if (kind == KIND_GRU) gru_forward_part(job, p);
    else rnn_forward_part(job, p);
  } else if (op == OP_BACKWARD) {
    if (kind == KIND_LSTM) lstm_backward_part(job, p);
    else if (kind == KIND_GRU) gru_backward_part(job, p);
    else rnn_backward_part(job, p);
  } else if (op == OP_WEIGHTS) {
    weights_part(job, p);
  } else if (op == OP_INPUT_GRAD) {
    input_grad_part(job, p);
  } else if (op == OP_DECODE) {
    decode_part(job, p);
  }
}
