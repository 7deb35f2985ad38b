# ASM (Luo et al., NeurIPS 2020) as the one-shot augmenter, paper profile (16 px LR, 128 px
# HR): the one-shot loop (OneShotAdaptation) with ./damma.py's settings (its LR degradation, the
# exemplar's half of each step) and AdversarialStyleMining in place of latent mixing, as ./asm_small.py does for the small
# profile. 250 x 2 = 500 model steps, as DAMMA's 10 x 50; each step sees 8 stylised source
# faces, the same 8 unstylised and the exemplar. RAIN: configs/rain/rain_paper_160k_celeba.py,
# trained and copied to checkpoints/rain_paper_celeba.pth (configs/rain/README.md).
# The row configs set what is fine-tuned (trainable) and at which rate (lr_phi).
_base_ = ['./damma.py']

adaptation = dict(
    type='OneShotAdaptation',
    outer_iters=250,
    inner_iters=2,
    batch_size=8,
    lr_alpha=1.0,
    augmenter_optimizer=dict(type='SGD'),
    augmenter=dict(
        _delete_=True,
        type='AdversarialStyleMining',
        style_network='configs/rain/rain_paper_160k_celeba.py',
        style_checkpoint='checkpoints/rain_paper_celeba.pth',
        # the source domain's training faces at the paper profile's HR size, as
        # configs/_base_/datasets/celeba.py loads them (MTDN's box)
        source_faces=dict(
            type='CelebADataset',
            data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/celeba',
            skip_attributes=['Blurry', 'Eyeglasses', 'Wearing_Hat'],
            split='train',
            pipeline=[
                dict(type='LoadFaceImage', key='gt', num_channels=3),
                dict(type='CropAndResize', keys=['gt'], size=128),
            ]),
        mining_step=20.0,
        include_source=True),
    log_interval=10)
