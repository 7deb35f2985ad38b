"""Make the StyleGAN2 reference fixtures in tests/data/stylegan2 from mmagic and rosinality code.

    python tools/model_converters/make_stylegan2_fixtures.py \
        --mmagic DIR_WITH_MMAGIC_PACKAGE --rosinality STYLEGAN2_PYTORCH_CHECKOUT \
        [--out tests/data/stylegan2]

``--mmagic``: a folder holding the ``mmagic`` 1.2.0 package, e.g. from
``pip install --no-deps --target DIR mmagic==1.2.0``. Only its StyleGAN2
generator files are imported (package ``__init__`` files, which pull in
diffusers and transformers, are skipped); mmcv 2.x or mmcv-lite 2.x must be
importable, and mmcv's compiled ``_ext`` is not needed: on CPU its
``upfirdn2d`` and ``fused_bias_leakyrelu`` run their PyTorch reference paths.
``--rosinality``: a checkout of rosinality/stylegan2-pytorch (``model.py``,
``op/``); its ops compile CUDA kernels at import, which is skipped here since
on CPU it takes its native PyTorch paths.

Each reference generator is built at 32 px with 32-d styles, 2 mapping
layers and a narrow channel table (both hard-code 512 channels up to 32 px;
a subclass narrows the table, the code path is theirs), given random weights
(noise strengths and biases too, which are zero at init), and draws images
for fixed z, W+, truncation and style-mixing inputs with fixed noise maps.
Written (tensors and plain containers only, loadable with weights_only=True):

- ``{mmagic,rosinality}_generator.pth``: the weights in the reference's own
  checkpoint layout (mmagic ``state_dict`` with ``generator.``/
  ``generator_ema.``; rosinality ``g``, ``g_ema``, ``latent_avg``); the EMA
  weights differ from the others so that loading the wrong set fails.
- ``{mmagic,rosinality}_outputs.pth``: the decoder config, inputs, noise and
  the reference images.
"""
import argparse
import importlib
import importlib.util
import os
import os.path as osp
import sys
import types

import torch

OUT_SIZE, STYLE_CHANNELS, NUM_MLPS = 32, 32, 2
CHANNELS = {4: 16, 8: 16, 16: 8, 32: 8}
BATCH, INJECT_INDEX, TRUNCATION = 2, 3, 0.7


def narrow_channels(generator_cls):
    """Subclass whose hard-coded ``self.channels = {...}`` assignment yields CHANNELS."""
    return type(generator_cls.__name__, (generator_cls,),
                {'channels': property(lambda self: CHANNELS, lambda self, value: None)})


def stub_package(name, path):
    """Register package ``name`` backed by ``path`` without running its ``__init__``."""
    module = types.ModuleType(name)
    module.__path__ = [path]
    sys.modules[name] = module
    return module


def import_mmagic_generator(root):
    """mmagic's StyleGAN2Generator with only the modules it needs."""
    import mmcv
    import mmcv.utils.ext_loader as ext_loader
    ext_loader.load_ext = lambda name, funcs: types.SimpleNamespace()  # CUDA-only, unused on CPU
    stub_package('mmcv.ops', osp.join(osp.dirname(mmcv.__file__), 'ops'))
    pkg = osp.join(root, 'mmagic')
    for name in ('', '.models', '.models.editors', '.models.archs', '.models.utils',
                 '.models.editors.pggan', '.models.editors.stylegan1', '.models.editors.stylegan2'):
        stub_package('mmagic' + name, osp.join(pkg, *name.split('.')[1:]))
    archs = sys.modules['mmagic.models.archs']
    archs.AllGatherLayer = importlib.import_module(
        'mmagic.models.archs.all_gather_layer').AllGatherLayer
    # model_utils pulls in mmagic.structures and click; the generator only uses
    # get_module_device, when it samples z itself (never here).
    sys.modules['mmagic.models.utils'].get_module_device = lambda m: next(m.parameters()).device
    pggan = sys.modules['mmagic.models.editors.pggan']
    for attr in ('PixelNorm', 'EqualizedLRConvModule', 'EqualizedLRConvUpModule',
                 'EqualizedLRConvDownModule', 'EqualizedLRLinearModule', 'equalized_lr'):
        setattr(pggan, attr, getattr(importlib.import_module(
            'mmagic.models.editors.pggan.pggan_modules'), attr))
    stylegan1 = sys.modules['mmagic.models.editors.stylegan1']
    modules = importlib.import_module('mmagic.models.editors.stylegan1.stylegan1_modules')
    utils1 = importlib.import_module('mmagic.models.editors.stylegan1.stylegan_utils')
    for attr in ('Blur', 'ConstantInput', 'EqualLinearActModule', 'NoiseInjection', 'make_kernel'):
        setattr(stylegan1, attr, getattr(modules, attr))
    stylegan1.get_mean_latent, stylegan1.style_mixing = utils1.get_mean_latent, utils1.style_mixing
    return importlib.import_module(
        'mmagic.models.editors.stylegan2.stylegan2_generator').StyleGAN2Generator


def import_rosinality_generator(root):
    """rosinality's Generator; its op package's CUDA build is replaced by a no-op."""
    import torch.utils.cpp_extension as cpp_extension
    cpp_extension.load = lambda *args, **kwargs: types.SimpleNamespace()
    sys.path.insert(0, root)
    spec = importlib.util.spec_from_file_location('rosinality_model', osp.join(root, 'model.py'))
    model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model)
    return model.Generator


@torch.no_grad()
def randomize(generator, seed):
    """Non-trivial weights: random noise strengths and biases, style scales around 1."""
    torch.manual_seed(seed)
    for name, param in generator.named_parameters():
        if 'modulation' in name and name.endswith('bias'):
            param.copy_(1 + 0.2 * torch.randn_like(param))
        elif name.endswith('bias') or 'noise' in name:
            param.copy_(0.2 * torch.randn_like(param))


def reference_inputs(num_latents, mapping, seed=0):
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(BATCH, STYLE_CHANNELS, generator=gen)
    z_mix = torch.randn(BATCH, STYLE_CHANNELS, generator=gen)
    # W+ with a different mapped w on every row, as an encoder would predict.
    wplus = mapping(torch.randn(BATCH * num_latents, STYLE_CHANNELS, generator=gen)).reshape(
        BATCH, num_latents, STYLE_CHANNELS)
    truncation_latent = mapping(torch.randn(256, STYLE_CHANNELS, generator=gen)).mean(0, keepdim=True)
    noise = [torch.randn(BATCH, 1, 2 ** ((i + 5) // 2), 2 ** ((i + 5) // 2), generator=gen)
             for i in range(num_latents - 1)]
    return dict(z=z, z_mix=z_mix, wplus=wplus, truncation_latent=truncation_latent, noise=noise,
                inject_index=INJECT_INDEX, truncation=TRUNCATION)


def config():
    return dict(out_size=OUT_SIZE, style_channels=STYLE_CHANNELS, num_mlps=NUM_MLPS,
                channels=dict(CHANNELS), lr_mlp=0.01)


@torch.no_grad()
def make_mmagic(root, out_dir):
    generator_cls = narrow_channels(import_mmagic_generator(root))
    torch.manual_seed(1)
    g = generator_cls(OUT_SIZE, STYLE_CHANNELS, num_mlps=NUM_MLPS).eval()
    g_ema = generator_cls(OUT_SIZE, STYLE_CHANNELS, num_mlps=NUM_MLPS).eval()
    randomize(g, 2)
    randomize(g_ema, 3)
    x = reference_inputs(g_ema.num_latents, g_ema.style_mapping)
    outputs = dict(
        img_z=g_ema(x['z'], injected_noise=x['noise']),
        img_wplus=g_ema([x['wplus']], input_is_latent=True, injected_noise=x['noise']),
        img_truncation=g_ema(x['z'], truncation=TRUNCATION, truncation_latent=x['truncation_latent'],
                             injected_noise=x['noise']),
        img_mix=g_ema([x['z'], x['z_mix']], inject_index=INJECT_INDEX, injected_noise=x['noise']))
    state = {f'generator.{k}': v for k, v in g.state_dict().items()}
    state.update({f'generator_ema.{k}': v for k, v in g_ema.state_dict().items()})
    torch.save(dict(state_dict=state), osp.join(out_dir, 'mmagic_generator.pth'))
    torch.save(dict(config=config(), **x, **outputs), osp.join(out_dir, 'mmagic_outputs.pth'))


@torch.no_grad()
def make_rosinality(root, out_dir):
    generator_cls = narrow_channels(import_rosinality_generator(root))
    torch.manual_seed(1)
    g = generator_cls(OUT_SIZE, STYLE_CHANNELS, NUM_MLPS).eval()
    g_ema = generator_cls(OUT_SIZE, STYLE_CHANNELS, NUM_MLPS).eval()
    randomize(g, 2)
    randomize(g_ema, 3)
    x = reference_inputs(g_ema.n_latent, g_ema.style)
    outputs = dict(
        img_z=g_ema([x['z']], noise=x['noise'])[0],
        img_wplus=g_ema([x['wplus']], input_is_latent=True, noise=x['noise'])[0],
        img_truncation=g_ema([x['z']], truncation=TRUNCATION, truncation_latent=x['truncation_latent'],
                             noise=x['noise'])[0],
        img_mix=g_ema([x['z'], x['z_mix']], inject_index=INJECT_INDEX, noise=x['noise'])[0])
    torch.save(dict(g=g.state_dict(), g_ema=g_ema.state_dict(), latent_avg=x['truncation_latent'][0]),
               osp.join(out_dir, 'rosinality_generator.pth'))
    torch.save(dict(config=config(), **x, **outputs), osp.join(out_dir, 'rosinality_outputs.pth'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--mmagic', help='folder that holds the mmagic package')
    parser.add_argument('--rosinality', help='rosinality/stylegan2-pytorch checkout')
    parser.add_argument('--out', default='tests/data/stylegan2', help='output folder')
    args = parser.parse_args()
    if not (args.mmagic or args.rosinality):
        parser.error('give --mmagic and/or --rosinality')
    for path, marker in ((args.mmagic, 'mmagic'), (args.rosinality, 'model.py')):
        if path and not osp.exists(osp.join(path, marker)):
            parser.error(f'{osp.join(path, marker)} not found')
    os.makedirs(args.out, exist_ok=True)
    if args.mmagic:
        make_mmagic(osp.abspath(args.mmagic), args.out)
    if args.rosinality:
        make_rosinality(osp.abspath(args.rosinality), args.out)
    for name in sorted(os.listdir(args.out)):
        print(f'{osp.join(args.out, name)}: {osp.getsize(osp.join(args.out, name))} bytes')


if __name__ == '__main__':
    main()
