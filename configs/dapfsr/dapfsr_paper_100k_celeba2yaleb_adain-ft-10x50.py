# Table 3, "Style Transfer" [20]: source faces G(w^s) restyled after the exemplar
# by AdaIN (Huang and Belongie 2017), then constrained fine-tuning of phi.
# Needs the trained AdaIN weights of naoto0804/pytorch-AdaIN (its releases):
# checkpoints/adain/vgg_normalised.pth and checkpoints/adain/decoder.pth.
_base_ = ['./dapfsr_paper_100k_celeba2yaleb_damma-10x50.py']
adaptation = dict(type='OneShotAdaptation',
                  augmenter=dict(_delete_=True, type='AdaINStyleTransfer',
                                 encoder_weights='checkpoints/adain/vgg_normalised.pth',
                                 decoder_weights='checkpoints/adain/decoder.pth',
                                 strength=1.0))
