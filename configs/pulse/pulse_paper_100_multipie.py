# PULSE, paper profile, with CMU Multi-PIE as the source domain (Table 1's Multi-PIE ->
# Extended Yale B): pulse_paper_100_celeba.py searching the decoder trained on Multi-PIE
# (configs/stylegan2/stylegan2_multipie128.py, as configs/dapfsr/dapfsr_paper_100k_multipie.py),
# tested on Multi-PIE's neutral frames (configs/_base_/datasets/multipie_source.py).
#   python tools/test.py configs/pulse/pulse_paper_100_multipie.py
_base_ = ['./pulse_paper_100_celeba.py', '../_base_/datasets/multipie_source.py']

model = dict(decoder_checkpoint='checkpoints/stylegan2_multipie128.pth')
test_dataloader = dict(dataset=dict(_base_.source_dataset, test_mode=True, indices=2000,
                                    pipeline=_base_.test_pipeline, _delete_=True))
