// torch.utils as seen from the torch namespace (torch/utils/__init__.py): for now only `data`.
export * as data from './index.js';
