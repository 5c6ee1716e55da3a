/** torch.nn: modules, layers, losses, functional, init, utils. */
export { Module } from './module';
export { Parameter } from './parameter';
export { Linear, Bilinear, Identity, Flatten, Unflatten, Dropout } from './layers/linear';
export { ReLU, LeakyReLU, GELU, SiLU, Tanh, Sigmoid, Softplus, Softmax, LogSoftmax } from './layers/activation';
export { Sequential, ModuleList, ModuleDict } from './layers/container';
export { BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm } from './layers/normalization';
export { Embedding } from './layers/embedding';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, Upsample } from './layers/pooling';
export { Conv1d, Conv2d, ConvTranspose2d, type ConvOptions, type ConvTransposeOptions } from './layers/conv';
export { RNN, LSTM, GRU } from './layers/recurrent';
export { MultiheadAttention, NonDynamicallyQuantizableLinear, type AttentionCallOptions, type MultiheadAttentionOptions } from './layers/attention';
export { TransformerEncoderLayer, TransformerEncoder, type TransformerEncoderLayerOptions } from './layers/transformer';
export { MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from './losses';
export * as functional from './functional';
export * as init from './init';
export * as utils from './utils';
