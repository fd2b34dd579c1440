// torch.optim: the optimizers and their base class (torch/optim/__init__.py). Re-exports only.
export { Optimizer } from './optimizer.js';
export type {
  ParamGroup, ParamGroupInput, Params, ParamState, OptimizerStateDict, Closure,
} from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam } from './adam.js';
export type { AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export * as lr_scheduler from './lr_scheduler.js';
