// The torch.nn namespace (torch/nn/__init__.py). Re-exports only.
export { Module } from './modules/module.js';
export type {
  ForwardPreHook, ForwardHook, BackwardHook, BackwardPreHook, StateDict, IncompatibleKeys, RemovableHandle,
} from './modules/module.js';
export { Parameter, is_parameter } from './parameter.js';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict } from './modules/container.js';
export { Identity, Linear } from './modules/linear.js';
export { Conv2d, _ConvNd } from './modules/conv.js';
export { BatchNorm1d, BatchNorm2d, _BatchNorm, _NormBase } from './modules/batchnorm.js';
export {
  ReLU, Sigmoid, Tanh, ReLU6, LeakyReLU, PReLU, ELU, CELU, SELU, GELU, SiLU, Mish, Hardtanh, Hardswish,
  Hardsigmoid, Softplus, Softmax, LogSoftmax,
} from './modules/activation.js';
export { MaxPool2d } from './modules/pooling.js';
export * as functional from './functional.js';
export * as init from './init.js';
export {
  _Loss, _WeightedLoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, CrossEntropyLoss, NLLLoss, BCELoss,
  BCEWithLogitsLoss, KLDivLoss,
} from './modules/loss.js';
export { Flatten, Unflatten } from './modules/flatten.js';
export { Dropout, Dropout2d, _DropoutNd } from './modules/dropout.js';
export { Embedding } from './modules/sparse.js';
export { LayerNorm, GroupNorm } from './modules/normalization.js';
export { AvgPool2d, AdaptiveAvgPool2d } from './modules/pooling_extra.js';
export { Conv1d, ConvTranspose1d, ConvTranspose2d, _ConvTransposeNd } from './modules/conv.js';
export { MaxPool1d, AdaptiveMaxPool1d, AdaptiveMaxPool2d } from './modules/pooling.js';
export { AvgPool1d, AdaptiveAvgPool1d } from './modules/pooling_extra.js';
export { InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, _InstanceNorm } from './modules/instancenorm.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } from './modules/upsampling.js';
export { PixelShuffle, PixelUnshuffle } from './modules/pixelshuffle.js';
export { MultiheadAttention, NonDynamicallyQuantizableLinear } from './modules/multihead_attention.js';
export {
  TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, Transformer,
} from './modules/transformer.js';
export { Bilinear } from './modules/linear.js';
export {
  ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d, ReflectionPad1d, ReflectionPad2d,
  ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d, CircularPad2d,
  CircularPad3d, _ConstantPadNd,
} from './modules/padding.js';
