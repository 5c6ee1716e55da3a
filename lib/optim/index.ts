/** torch.optim. */
export { Optimizer } from './optimizer';
export type { ParamGroup } from './optimizer';
export { SGD, Adam, AdamW, RMSprop, Adagrad } from './algorithms';
export * as lrScheduler from './lr-scheduler';
