"""nn.Module oracle: reprs, traversal key lists, state_dict, load_state_dict errors, setattr errors,
zero_grad, apply order, dtype casts and hook firing order/values, from real PyTorch.

Writes test/fixtures/module.json. The models are built from parameters, buffers and containers only
(test/nn/module.test.ts defines the same classes), so no layer beyond nn.Module is needed.
Values are multiples of 1/8 so float32 results are exact.
"""
from collections import OrderedDict

import torch
import torch.nn as nn

from common import enc, write_fixture


class Affine(nn.Module):
    """x @ w + b, times a buffer; with an int buffer and a non-persistent one."""

    def __init__(self, n, m, k=0):
        super().__init__()
        self.n, self.m = n, m
        self.w = nn.Parameter((torch.arange(n * m, dtype=torch.float32).reshape(n, m) - k) / 8)
        self.b = nn.Parameter(torch.arange(m, dtype=torch.float32) / 4 - 0.5)
        self.register_buffer('count', torch.zeros((), dtype=torch.int64))
        self.register_buffer('scale', torch.ones(m))
        self.register_buffer('tmp', torch.zeros(1), persistent=False)

    def forward(self, x):
        return x.matmul(self.w).add(self.b).mul(self.scale)

    def extra_repr(self):
        return f'n={self.n}, m={self.m}'


class Multi(nn.Module):
    """A module whose extra_repr spans two lines."""

    def extra_repr(self):
        return 'first line\nsecond line'


class Empty(nn.Module):
    pass


class Net(nn.Module):
    """Nested containers, a shared module and a shared parameter."""

    def __init__(self):
        super().__init__()
        self.a = Affine(2, 3)
        self.seq = nn.Sequential(Affine(3, 3, 1), nn.Sequential(Affine(3, 2, 2), Empty()))
        self.shared = self.a
        self.seq[0].w = self.head_w = nn.Parameter(torch.full((3, 3), 0.25))
        self.mlist = nn.ModuleList([Multi(), Empty()])
        self.mdict = nn.ModuleDict({'z': Empty(), 'aff': Affine(1, 1)})
        self.plist = nn.ParameterList([torch.ones(2), torch.zeros(1, 2)])
        self.pdict = nn.ParameterDict({'q': torch.ones(1), 'p': torch.zeros(2)})
        self.register_buffer('steps', torch.tensor([3.0]))
        self.add_module('none', None)
        self.register_parameter('nothing', None)


def names(it):
    return [n for n, _ in it]


def keys_section():
    net = Net()
    sd = net.state_dict()
    return {
        'named_parameters': names(net.named_parameters()),
        # named_parameters(remove_duplicate=False) is 2.x-only: its definition, spelled out.
        'named_parameters_all': [f'{pre}{"." if pre else ""}{k}'
                                 for pre, m in net.named_modules(remove_duplicate=False)
                                 for k, v in m._parameters.items() if v is not None],
        'named_parameters_prefix': names(net.named_parameters(prefix='model')),
        'named_parameters_norecurse': names(net.named_parameters(recurse=False)),
        'named_buffers': names(net.named_buffers()),
        'named_modules': names(net.named_modules()),
        'named_modules_all': names(net.named_modules(remove_duplicate=False)),
        'named_children': names(net.named_children()),
        'state_dict': list(sd.keys()),
        'state_dict_prefix': list(net.state_dict(prefix='p.').keys()),
        'n_parameters': len(list(net.parameters())),
        'state_dict_requires_grad': sd['a.w'].requires_grad,
        'keep_vars_requires_grad': net.state_dict(keep_vars=True)['a.w'].requires_grad,
        'module_parameters_keys': list(net._parameters.keys()),
        'module_modules_keys': list(net._modules.keys()),
        'seq_parameters_keys': list(net.seq._parameters.keys()),
        'seq_modules_keys': list(net.seq._modules.keys()),
    }


def repr_section():
    net = Net()
    seq = nn.Sequential(OrderedDict([('first', Affine(1, 2)), ('second', Empty())]))
    s3 = nn.Sequential(Empty(), Multi(), Affine(2, 2))
    return {
        'net': repr(net),
        'module': repr(nn.Module()),
        'empty': repr(Empty()),
        'multi': repr(Multi()),
        'sequential_dict': repr(seq),
        'sequential_slice': repr(s3[1:]),
        'sequential_empty': repr(nn.Sequential()),
        'modulelist': repr(nn.ModuleList([Empty(), Multi()])),
        'modulelist_empty': repr(nn.ModuleList()),
        'moduledict': repr(nn.ModuleDict([('b', Empty()), ('a', Affine(2, 1))])),
        'plist_one': repr(nn.ParameterList([torch.zeros(2, 3)])),
        'plist_two': repr(nn.ParameterList([torch.zeros(2, 3), torch.zeros(4, dtype=torch.float64)])),
        'pdict': repr(nn.ParameterDict({'b': torch.zeros(2, 3), 'a': torch.zeros(3)})),
        'parameter': repr(nn.Parameter(torch.tensor([[3.0]]))),
    }


def sequential_section():
    a, b, c, d = Empty(), Multi(), Affine(1, 1), Empty()
    seq = nn.Sequential(a, b, c)
    out = {}
    seq.append(d)
    out['append'] = list(seq._modules.keys())
    del seq[1]
    out['del_keys'] = list(seq._modules.keys())
    out['del_repr'] = repr(seq)
    seq.insert(1, Multi())
    out['insert_repr'] = repr(seq)
    popped = seq.pop(0)
    out['pop_is_a'] = popped is a
    out['pop_repr'] = repr(seq)
    out['len'] = len(seq)
    ml = nn.ModuleList([Empty(), Affine(1, 1)])
    ml.insert(1, Multi())
    ml.extend([Empty()])
    del ml[0]
    out['modulelist_repr'] = repr(ml)
    return out


def errors_section():
    net = Net()
    out = {}

    def catch(name, fn):
        try:
            fn()
            out[name] = None
        except Exception as e:  # noqa: BLE001 - we record the kind and message
            msg = e.args[0] if isinstance(e, KeyError) else str(e)
            out[name] = {'type': type(e).__name__, 'message': msg}

    def set_attr(obj, name, v):
        return lambda: setattr(obj, name, v)

    catch('param_as_tensor', set_attr(net.a, 'w', torch.zeros(2, 3)))
    catch('module_as_int', set_attr(net, 'a', 5))
    catch('buffer_exists', lambda: net.a.register_buffer('w', torch.zeros(1)))
    catch('param_dot', lambda: net.register_parameter('x.y', None))
    catch('param_empty', lambda: net.register_parameter('', None))
    catch('param_not_param', lambda: net.register_parameter('q', torch.zeros(1)))
    catch('buffer_not_tensor', lambda: net.register_buffer('q', 3))
    catch('module_not_module', lambda: net.add_module('q', 3))
    catch('module_dot', lambda: net.add_module('q.r', Empty()))
    catch('submodule_missing', lambda: net.get_submodule('seq.5'))
    catch('submodule_not_module', lambda: net.get_submodule('a.w'))
    catch('parameter_missing', lambda: net.get_parameter('a.nope'))
    catch('parameter_not_param', lambda: net.get_parameter('a.count'))
    catch('buffer_not_buffer', lambda: net.get_buffer('a.w'))
    catch('forward_missing', lambda: nn.ModuleList()(1))
    catch('plist_call', lambda: nn.ParameterList()(1))
    catch('int_parameter', lambda: nn.Parameter(torch.tensor([1, 2])))
    catch('to_int', lambda: net.to(torch.int64))
    catch('train_not_bool', lambda: net.train('yes'))
    catch('index_out_of_range', lambda: net.seq[5])
    out['get_parameter_ok'] = net.get_parameter('seq.0.w') is net.head_w
    out['get_buffer_ok'] = net.get_buffer('seq.1.0.count').dtype == torch.int64
    out['get_submodule_ok'] = net.get_submodule('seq.1.1') is net.seq[1][1]
    return out


def load_section():
    out = {}
    src, dst = Net(), Net()
    with torch.no_grad():
        for p in src.parameters():
            p.add_(1)
    res = dst.load_state_dict(src.state_dict())
    out['roundtrip_repr'] = repr(res)
    out['roundtrip_equal'] = all(torch.equal(a, b) for a, b in zip(src.parameters(), dst.parameters()))
    sd = src.state_dict()
    del sd['a.w']
    sd['b'] = torch.zeros(1)
    sd['a.zzz'] = torch.zeros(1)
    try:
        Net().load_state_dict(sd)
    except RuntimeError as e:
        out['missing_unexpected'] = str(e)
    res = Net().load_state_dict(sd, strict=False)
    out['nonstrict_missing'] = res.missing_keys
    out['nonstrict_unexpected'] = res.unexpected_keys
    out['nonstrict_repr'] = repr(res)
    sd = src.state_dict()
    sd['a.b'] = torch.zeros(5)
    sd['seq.0.b'] = 3
    try:
        Net().load_state_dict(sd)
    except RuntimeError as e:
        out['size_mismatch'] = str(e)
    sd = src.state_dict()
    sd['a.count'] = sd['shared.count'] = torch.tensor([7])
    dst = Net()
    dst.load_state_dict(sd)
    out['scalar_from_vector'] = int(dst.a.count)
    return out


def modes_section():
    net = Net()
    order = []
    first_name = {id(m): n for n, m in reversed(list(net.named_modules(remove_duplicate=False)))}
    net.apply(lambda m: order.append(first_name[id(m)]))
    out = {'apply_order': order}
    net.eval()
    out['eval_training'] = [m.training for m in net.modules()]
    net.seq.train()
    out['partial_training'] = [m.training for m in net.modules()]
    w_before = net.a.w
    net.double()
    out['double_dtypes'] = [str(t.dtype) for t in net.state_dict().values()]
    out['double_identity'] = net.a.w is w_before
    net.float()
    out['float_dtypes'] = [str(t.dtype) for t in net.state_dict().values()]
    net.requires_grad_(False)
    out['frozen'] = [p.requires_grad for p in net.parameters()]
    return out


def zero_grad_section():
    net = nn.Sequential(Affine(2, 3), Affine(3, 1))
    x = torch.tensor([[1.0, 2.0], [0.5, -1.0]])
    net(x).sum().backward()
    out = {'grads': [enc(p.grad) for p in net.parameters()]}
    net.zero_grad(set_to_none=False)
    out['zeroed'] = [enc(p.grad) for p in net.parameters()]
    net(x).sum().backward()
    out['after_second'] = [enc(p.grad) for p in net.parameters()]
    net(x).sum().backward()
    out['accumulated'] = [enc(p.grad) for p in net.parameters()]
    net.zero_grad(set_to_none=True)  # 2.x's default; 1.13 defaulted to False
    out['none'] = [p.grad is None for p in net.parameters()]
    return out


class Two(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([1.0, 2.0]))

    def forward(self, x, y):
        return x * self.w + y * 3, x * 2


def hooks_section():
    out = {}
    log = []
    net = nn.Sequential(Affine(2, 3), Affine(3, 2, 3))
    m0, m1 = net[0], net[1]
    m0.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    m1.register_forward_hook(lambda m, args, o: o + 1)
    h = m0.register_forward_hook(lambda m, args, o: log.append(['fwd0', enc(args[0]), enc(o)]))
    net.register_forward_pre_hook(lambda m, args: log.append(['pre_net']))

    def bw(name):
        def hook(mod, gi, go):
            log.append([name, [enc(g) for g in gi], [enc(g) for g in go]])
        return hook

    for name, m in [('bw0', m0), ('bw1', m1), ('bw_net', net)]:
        m.register_full_backward_hook(bw(name))
    x = torch.tensor([[1.0, 2.0], [3.0, -1.0]], requires_grad=True)
    y = net(x)
    (y * y).sum().backward()
    out['y'] = enc(y)
    out['x_grad'] = enc(x.grad)
    out['param_grads'] = [enc(p.grad) for p in net.parameters()]
    out['log'] = log[:]
    log.clear()
    h.remove()
    m1.register_full_backward_hook(lambda mod, gi, go: tuple(g * 0.5 for g in gi))
    x2 = torch.tensor([[1.0, 2.0], [3.0, -1.0]])
    y2 = net(x2)
    (y2 * y2).sum().backward()
    out['log_removed'] = log[:]
    out['halved_grads'] = [enc(p.grad) for p in net.parameters()]
    log.clear()
    two = Two()
    two.register_full_backward_hook(bw('two'))
    a, b = two(torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([3.0, 4.0]))
    (a.sum() + (b * b).sum()).backward()
    a, b = two(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
    a.sum().backward()
    a, b = two(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0], requires_grad=True))
    a.sum().backward()
    out['log_two'] = log[:]
    return out


def main():
    payload = {
        'keys': keys_section(),
        'repr': repr_section(),
        'sequential': sequential_section(),
        'errors': errors_section(),
        'load': load_section(),
        'modes': modes_section(),
        'zero_grad': zero_grad_section(),
        'hooks': hooks_section(),
    }
    write_fixture('module', payload, __file__)


if __name__ == '__main__':
    main()
