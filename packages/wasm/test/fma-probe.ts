import { moduleBytes } from '../src/wasm-module';

/**
 * The product a₀b₀ + a₁b₁ on the module's own matmul, for a₀ = -(1 + 2⁻¹¹), b₀ = 1,
 * a₁ = b₁ = 1 + 2⁻¹²: a₁b₁ = 1 + 2⁻¹¹ + 2⁻²⁴ exactly, which a separate multiply rounds to
 * 1 + 2⁻¹¹ (the sum is then 0) and a fused multiply-add keeps (the sum is 2⁻²⁴).
 */
export function fusedProbe(): number {
  const memory = new WebAssembly.Memory({ initial: 32 });
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(false)), {
    env: { memory },
  }).exports as unknown as { matmul(...args: number[]): void };
  const heap = new Float32Array(memory.buffer);
  const [a, b, packed, c] = [1024, 1040, 1056, 1200]; // float indices
  heap.set([-(1 + 2 ** -11), 1 + 2 ** -12], a);
  heap.set([1, 1 + 2 ** -12], b); // b [K 2, N 1]
  wasm.matmul(1, 1, 2, a * 4, 0, b * 4, 0, 0, packed * 4, c * 4);
  return heap[c]!;
}
