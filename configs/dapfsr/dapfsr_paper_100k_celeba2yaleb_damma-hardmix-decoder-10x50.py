# Table 2, row D: style-mixing examples by a hard swap of the last three W+
# layers (w^m takes the exemplar's w^t elsewhere), the whole decoder fine-tuned.
_base_ = ['./dapfsr_paper_100k_celeba2yaleb_damma-10x50.py']
adaptation = dict(augmenter=dict(_delete_=True, type='HardLatentMixing', target_layers=(-3, -2, -1)),
                  trainable='decoder')
