// torch.utils.data: datasets, samplers and the DataLoader (torch/utils/data/__init__.py).
export { Dataset, TensorDataset, Subset, ConcatDataset, random_split } from './dataset.js';
export {
  Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, BatchSampler,
} from './sampler.js';
export type { Sized, RandomSamplerOptions } from './sampler.js';
export { DataLoader, default_collate, default_convert } from './dataloader.js';
export type { DataLoaderOptions, Collated } from './dataloader.js';
