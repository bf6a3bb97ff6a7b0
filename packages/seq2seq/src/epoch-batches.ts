/**
 * The batches of one epoch, as indices into the training examples, checked: every batch
 * non-empty, every index an integer in `[0, count)`. What `fit`'s `batches` option returns.
 *
 * @param batches what `batches(epoch)` returned
 * @param count the number of training examples
 * @throws naming the epoch, the batch and what was expected
 */
export function checkEpochBatches(
  batches: unknown,
  count: number,
  epoch: number,
): ReadonlyArray<ReadonlyArray<number>> {
  const where = `Trainer.fit: batches(${epoch})`;
  if (!Array.isArray(batches) || batches.length === 0)
    throw new Error(`${where} must return a non-empty array of index arrays, got ${batches}`);
  for (const [b, batch] of batches.entries()) {
    if (!Array.isArray(batch) || batch.length === 0)
      throw new Error(`${where}[${b}] must be a non-empty array of example indices, got ${batch}`);
    for (const i of batch)
      if (!Number.isInteger(i) || i < 0 || i >= count)
        throw new Error(`${where}[${b}] holds ${i}, expected indices of train in [0, ${count})`);
  }
  return batches as ReadonlyArray<ReadonlyArray<number>>;
}
