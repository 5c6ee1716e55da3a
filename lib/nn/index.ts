/** torch.nn: modules, layers, losses, functional, init, utils. */
export { Module } from './module';
export { Parameter } from './parameter';
export { Linear, Identity, Flatten, Unflatten, Dropout } from './layers/linear';
export { ReLU, LeakyReLU, GELU, SiLU, Tanh, Sigmoid, Softplus, Softmax, LogSoftmax } from './layers/activation';
export { Sequential, ModuleList, ModuleDict } from './layers/container';
export { RNN, LSTM, GRU } from './layers/recurrent';
export { MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from './losses';
export * as functional from './functional';
export * as init from './init';
export * as utils from './utils';
