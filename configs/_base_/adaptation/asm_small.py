# ASM (Luo et al., NeurIPS 2020) as the one-shot augmenter, small profile (16 px LR, 64 px
# HR): the one-shot loop (OneShotAdaptation) with configs/_base_/adaptation/damma_small.py's
# settings (its LR degradation, the exemplar's half of each step) and AdversarialStyleMining in
# place of latent mixing.
# ASM's own loop, per iteration: a fresh batch of source faces and a style sampled around
# the exemplar's; one step on the sampled style, then one on the style moved up the task
# loss, eps += 20 / L * grad L (SGD at lr 1 on -20 log L: augmenter_optimizer, lr_alpha).
# 20 x 2 = 40 model steps, next to DAMMA's 3 x 15 = 45; each step sees 4 stylised source
# faces, the same 4 unstylised (as ASM trains on both) and the exemplar.
# The row configs set what is fine-tuned (trainable) and at which rate (lr_phi).
_base_ = ['./damma_small.py']

adaptation = dict(
    type='OneShotAdaptation',
    outer_iters=20,
    inner_iters=2,
    batch_size=4,
    lr_alpha=1.0,
    augmenter_optimizer=dict(type='SGD'),
    augmenter=dict(
        _delete_=True,
        type='AdversarialStyleMining',
        style_network='configs/rain/rain_small_20k_celeba-hq.py',
        style_checkpoint='checkpoints/rain_small_celebahq.pth',
        # the source domain's training faces at the small profile's HR size
        source_faces=dict(
            type='CelebAHQDataset',
            data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/celeba_hq_128',
            split='train',
            pipeline=[
                dict(type='LoadFaceImage', key='gt', num_channels=3),
                dict(type='CropAndResize', keys=['gt'], size=128),
                dict(type='MatlabResize', keys=['gt'], size=64),
            ]),
        mining_step=20.0,
        include_source=True),
    log_interval=2)
