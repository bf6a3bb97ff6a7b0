/*
 * The time loops of the LSTM, GRU and Elman RNN, forward and backward, as WebAssembly SIMD.
 *
 * This module imports the memory of tfjs-backend-wasm and works on its tensors in place: every
 * pointer argument is a byte offset into that heap, handed over by the kernels registered in
 * wasm-recurrence.ts. It owns no memory of its own: no data segments, no use of the C stack in
 * linear memory (checked by scripts/build-wasm.sh), so nothing it does can touch the heap except
 * through the pointers it is given.
 *
 * One call runs a whole sequence, so the per-step cost is arithmetic only: one recurrent product
 * (a register-blocked 4×8 kernel over weights packed into 8-column panels) and one pass of gate
 * math. Gate layouts follow PyTorch: LSTM i, f, g, o; GRU r, z, n.
 *
 * One translation unit, in concepts: SIMD helpers (simd.h), matrix products (gemm.c), each kind's
 * row math and whole-sequence kernels (lstm.c, gru.c, rnn.c), the product and column sums as
 * kernels of their own (matmul.c), additive attention's forward for one decoder step
 * (attention.c), greedy decoding by an attention LSTM decoder in one call (decode.c), row gathers
 * (gather.c), and, in the shared-memory build, the thread pool's protocol (pool.c) and parts
 * (pool-lstm.c, pool-gru.c, pool-rnn.c, pool-gradients.c, pool-decode.c).
 *
 * Build: packages/wasm/scripts/build-wasm.sh (clang with the wasm32 target).
 */
#include "simd.h"
#include "gemm.c"
#include "lstm.c"
#include "gru.c"
#include "rnn.c"
#include "matmul.c"
#include "attention.c"
#include "decode.c"
#include "gather.c"
#ifdef GATED_THREADS
#include "pool.c"
#endif
