/* Greedy decoding as a pool job, its rows dealt out between the parts (decode.c: the decoder). */

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
