"""The W / W+ code of a real face: fitted through a frozen decoder (the decoder ceiling)."""
import torch
import torch.nn.functional as F

SPACE_NAMES = {'w': 'W', 'wplus': 'W+'}


def fit_latents(decoder, faces, space='wplus', steps=300, lr=0.02, batch_size=16, log=print):
    """Fit one latent per face through the frozen ``decoder`` (fixed noise) by Adam on pixel MSE.

    Args:
        faces (Tensor): (N, 3, S, S) targets in [0, 1], S = ``decoder.out_size``.
        space (str): 'w' (a 1 x D code broadcast to all L layers) or 'wplus' (L x D).
        log (callable | None): Gets a progress line every 50 steps.

    Returns:
        tuple[Tensor, Tensor]: Reconstructions (N, 3, S, S) in [0, 1] and the
        fitted codes (N, L, D) float32, both from the last step's latents.
    """
    decoder.eval().requires_grad_(False)
    rows = 1 if space == 'w' else decoder.num_latents
    images, latents = [], []
    for start in range(0, len(faces), batch_size):
        target = faces[start:start + batch_size] * 2 - 1
        code = decoder.latent_mean.expand(len(target), rows, -1).clone().requires_grad_()
        optimizer = torch.optim.Adam([code], lr=lr)
        for step in range(1, steps + 1):
            out = decoder(code.expand(-1, decoder.num_latents, -1), input_is_latent=True,
                          randomize_noise=False)
            loss = F.mse_loss(out, target)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if log is not None and (step % 50 == 0 or step == steps):
                mse = ((out.detach().clamp(-1, 1) - target) / 2).square().mean(dim=(1, 2, 3))
                mean_psnr = (-10 * torch.log10(mse.clamp_min(1e-12))).mean().item()
                log(f'{SPACE_NAMES[space]}: faces {start + 1}-{start + len(target)} of '
                    f'{len(faces)}, step {step}/{steps}: PSNR {mean_psnr:.2f} dB')
        with torch.no_grad():
            full = code.detach().expand(-1, decoder.num_latents, -1).contiguous()
            images.append((decoder(full, input_is_latent=True, randomize_noise=False)
                           .clamp(-1, 1) + 1) / 2)
            latents.append(full.float())
    return torch.cat(images), torch.cat(latents)
