/** torch.autograd: the engine, grad modes, gradcheck. */
export { backward, grad } from './engine';
export type { BackwardOptions, GradOptions } from './engine';
export { gradcheck, gradgradcheck } from './gradcheck';
export { Node, AccumulateGrad } from './node';
export { noGrad, enableGrad, inferenceMode, setGradEnabled, isGradEnabled, isInferenceModeEnabled } from './grad-mode';
export * as profiler from './profiler';
