# Table 3, Style Transfer [20], small profile: AdaIN-restyled source faces, phi fine-tuned.
# Needs pytorch-AdaIN's trained weights in checkpoints/adain/ (see docs/adaptation.md).
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py']
adaptation = dict(type='OneShotAdaptation',
                  augmenter=dict(_delete_=True, type='AdaINStyleTransfer',
                                 encoder_weights='checkpoints/adain/vgg_normalised.pth',
                                 decoder_weights='checkpoints/adain/decoder.pth',
                                 strength=1.0))
