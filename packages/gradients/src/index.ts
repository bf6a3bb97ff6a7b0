export { elementwiseGradients } from './elementwise';
export { matmulGradients } from './matmul';
export { piecesGradients } from './pieces';
export { reduceGradients } from './reduce';
export { ensureGradients, gradientConfigs } from './register';
export { shapeGradients } from './shape';
