/**
 * The seed's two PyTorch examples, in TypeScript. Run: pnpm demo (from the repository root).
 *
 *   lstm = nn.LSTM(input_size=16, hidden_size=32, batch_first=True)
 *   output, (h_n, c_n) = lstm(torch.randn(4, 10, 16))
 *   sum(p.numel() for p in lstm.parameters()), sum(p.numel() for p in nn.GRU(16, 32).parameters())
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { GRU, LSTM } from '@gated/cells';

await tf.setBackend('wasm'); // the fast backend in Node; tfjs-node also works where it installs

const lstm = new LSTM({ inputSize: 16, hiddenSize: 32, batchFirst: true });
const x = tf.randomNormal([4, 10, 16]) as tf.Tensor3D; // [batch, seq, feature]
const { output, hN, cN } = lstm.forward(x);
console.log('output', output.shape); // [4, 10, 32]
console.log('hN    ', hN.shape); // [1, 4, 32]
console.log('cN    ', cN.shape); // [1, 4, 32]

const gru = new GRU({ inputSize: 16, hiddenSize: 32 });
console.log('LSTM parameters', lstm.numParameters()); // 6400
console.log('GRU parameters ', gru.numParameters()); // 4800

tf.dispose([x, output, hN, cN]);
lstm.dispose();
gru.dispose();
