/* ---------------------------------------------------------------------------------------------
 * A whole LSTM, GRU or Elman RNN direction on several threads (the shared-memory build only):
 * inference, the training forward, backpropagation through time and the weight gradients. Every
 * thread calls pool_part with the same job and its own part number. A recurrence with four batch
 * rows or more per part is split by rows (split_by_rows): each part runs its rows alone, forward
 * and back. Otherwise part p owns units
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
 * How a recurrence (its forward, OP_INFER and OP_TRAIN, and its backward) is shared between the
 * parts: by batch rows when every part gets four rows or more, else by units. Split by rows, a
 * part runs its rows through all the steps and every unit on its own, with no barrier per step;
 * each part then packs all of W_hh and W_ih (g·H·(H + I) floats, read from L2 each step). Split
 * by units, each step ends with a barrier that publishes every part's columns of h (going back,
 * of the gate gradients). Either way each value is computed by the same products in the same
 * order, so both give the same bits.
 */
static int split_by_rows(int B, int parts) { return parts > 1 && B >= 4 * parts; }

/* What part p of a recurrence owns: batch rows [b0, b0 + rows) and units [j0, j0 + U). */
typedef struct {
  int b0, rows, j0, U;
} share;

static share part_share(int p, int parts, int B, int H) {
  share s = {0, B, 0, H};
  if (split_by_rows(B, parts)) {
    s.b0 = share_start(p, parts, B);
    s.rows = share_start(p + 1, parts, B) - s.b0;
  } else {
    s.j0 = share_start(p, parts, H);
    s.U = share_start(p + 1, parts, H) - s.j0;
  }
  return s;
}

/* A recurrence's barrier at each step: only split by units (split by rows, no part reads
 * another's rows). */
static int step_barrier(int *job, int p, int parts, int B) {
  return split_by_rows(B, parts) ? 0 : barrier(job, p, parts);
}

/*
 * out[t·B + b] = init + x[t·B + b] · packed, for the rows b in [b0, b0 + rows) of every step t
 * (init a row broadcast to every row, or null): one product when the rows are the whole batch.
 */
static void project_rows(int T, int B, int b0, int rows, int N, int K, const f32 *x,
                         const f32 *packed, f32 *out, int ldo, const f32 *init) {
  if (rows == B) {
    product(T * B, N, K, x, K, packed, out, ldo, init, 0);
    return;
  }
  for (int t = 0; t < T; t++) {
    int at = t * B + b0;
    product(rows, N, K, x + at * K, K, packed, out + at * ldo, ldo, init, 0);
  }
}

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
    share s = part_share(p, parts, B, H);
    int U = round_panel(s.U);
    int forward = g * U * H + g * U * I + (kind == KIND_GRU ? s.rows * 3 * U : 0);
    int backward = U * g * H + s.rows * U;
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

/* Each kind's parts, the gradient jobs and greedy decoding, in files of their own. */
#include "pool-lstm.c"
#include "pool-gradients.c"
#include "pool-gru.c"
#include "pool-rnn.c"
#include "pool-decode.c"

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
