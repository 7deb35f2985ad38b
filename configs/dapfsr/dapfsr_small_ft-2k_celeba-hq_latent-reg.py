# Lever: the average-latent penalty on the predicted W+ codes (DAPFSR's
# latent_regularization_weight), from the control run's start.
_base_ = ['./dapfsr_small_ft-2k_celeba-hq.py']

model = dict(latent_regularization_weight=0.01)
