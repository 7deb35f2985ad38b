# Table 3, "Style Transfer" [20]: the augmenter restyling source faces G(w^s) after the exemplar
# by AdaIN (Huang and Belongie 2017), for the one-shot loop to fine-tune phi on. Needs the trained
# AdaIN weights of naoto0804/pytorch-AdaIN (its releases) in checkpoints/adain/ (docs/adaptation.md).
adain_style_transfer = dict(type='AdaINStyleTransfer',
                            encoder_weights='checkpoints/adain/vgg_normalised.pth',
                            decoder_weights='checkpoints/adain/decoder.pth',
                            strength=1.0)
