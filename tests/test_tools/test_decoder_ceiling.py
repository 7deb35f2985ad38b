"""tools/analysis/decoder_ceiling.py: per-face latent fits through a frozen decoder, W and W+."""
import json
import os.path as osp
import sys

import cv2
import numpy as np
import pytest
import torch

from dapfsr.evaluation.functional import psnr
from dapfsr.models.editors.stylegan2 import StyleGANDecoder, fit_latents

sys.path.insert(0, osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
                            'tools', 'analysis'))
import decoder_ceiling  # noqa: E402


def tiny_decoder(seed=0):
    """16 px, L = 6, D = 16; to_rgb weights scaled so that faces lie inside [-1, 1] as a
    trained decoder's do (a random one saturates half its pixels, which no fit can match)."""
    torch.manual_seed(seed)
    decoder = StyleGANDecoder(out_size=16, style_channels=16, num_mlps=2,
                              channels={4: 16, 8: 8, 16: 8})
    for name, param in decoder.named_parameters():
        if 'to_rgb' in name and name.endswith('conv.weight'):
            param.data.mul_(0.4)
    decoder.update_latent_statistics(1024, generator=torch.Generator().manual_seed(seed))
    return decoder.eval()


@torch.no_grad()
def drawn_faces(decoder, num, seed=0):
    """Faces in [0, 1] the decoder draws from W+ codes mu_w + 0.5 sigma_w eps (eps per row)."""
    eps = torch.randn(num, decoder.num_latents, decoder.style_channels,
                      generator=torch.Generator().manual_seed(seed))
    w = decoder.latent_mean + 0.5 * decoder.latent_std * eps
    return (decoder(w, input_is_latent=True, randomize_noise=False).clamp(-1, 1) + 1) / 2


def save_checkpoint(decoder, path):
    torch.save(dict(state_dict=decoder.state_dict()), path)
    return str(path)


def test_wplus_fit_redraws_a_face_of_the_decoder():
    decoder = tiny_decoder()
    faces = drawn_faces(decoder, 4)
    lines = []
    images, latents = fit_latents(decoder, faces, 'wplus', steps=150, lr=0.05,
                                                  batch_size=2, log=lines.append)
    assert images.shape == faces.shape and 0 <= images.min() and images.max() <= 1
    assert latents.shape == (4, decoder.num_latents, decoder.style_channels)
    assert latents.dtype == torch.float32
    scores = [psnr(p, g) for p, g in zip(images, faces)]
    assert min(scores) > 30, scores
    # the fit starts at mu_w, whose face is far from the targets
    with torch.no_grad():
        start = (decoder(decoder.latent_mean.expand(4, decoder.num_latents, -1),
                         input_is_latent=True, randomize_noise=False).clamp(-1, 1) + 1) / 2
    assert max(psnr(p, g) for p, g in zip(start, faces)) < 25
    # progress: every 50 steps for each batch of 2, the last with the batch's mean PSNR
    assert len(lines) == 6 and 'faces 3-4 of 4, step 150/150' in lines[-1]
    assert abs(float(lines[-1].split('PSNR ')[1].split()[0]) - np.mean(scores[2:])) < 0.5


def test_w_fit_keeps_one_code_for_all_layers():
    decoder = tiny_decoder()
    _, latents = fit_latents(decoder, drawn_faces(decoder, 2), 'w', steps=3,
                                             log=None)
    assert latents.shape == (2, decoder.num_latents, decoder.style_channels)
    assert torch.equal(latents, latents[:, :1].expand_as(latents))
    assert not torch.equal(latents[0, 0], decoder.latent_mean)


def test_bad_checkpoints_and_faces_are_named(tmp_path):
    faces = tmp_path / 'faces'
    faces.mkdir()
    cv2.imwrite(str(faces / 'a.png'), np.zeros((16, 16, 3), np.uint8))

    def one_line_exit(*argv):
        with pytest.raises(SystemExit) as exc:
            decoder_ceiling.main([*argv, '--faces', str(faces), '--out', str(tmp_path / 'o')])
        message = str(exc.value)
        assert '\n' not in message
        return message

    assert 'missing.pth' in one_line_exit(str(tmp_path / 'missing.pth'))
    random_keys = tmp_path / 'random.pth'
    torch.save({'x': torch.randn(3, 3)}, random_keys)
    assert 'random.pth' in one_line_exit(str(random_keys))
    garbage = tmp_path / 'garbage.pth'
    garbage.write_bytes(b'not a checkpoint')
    assert 'garbage.pth' in one_line_exit(str(garbage))
    plain = save_checkpoint(tiny_decoder(), tmp_path / 'plain.pth')
    message = one_line_exit(plain, '--prefix', 'decoder')
    assert 'plain.pth' in message and "'decoder'" in message
    with pytest.raises(SystemExit, match='no face images found at .*nothing'):
        decoder_ceiling.main([plain, '--faces', str(tmp_path / 'nothing'), '--out',
                              str(tmp_path / 'o')])
    assert not (tmp_path / 'o' / 'ceiling.json').exists()


def test_cli_writes_table_grid_and_latents(tmp_path, capsys):
    decoder = tiny_decoder(1)
    ckpt = tmp_path / 'dapfsr.pth'
    torch.save(dict(state_dict={f'decoder.{k}': v for k, v in decoder.state_dict().items()}), ckpt)
    faces_dir = tmp_path / 'faces'
    faces_dir.mkdir()
    faces = drawn_faces(decoder, 4, seed=1)
    for i, face in enumerate(faces):  # 32 px files: the tool resizes them back to 16 px
        img = (face.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
        img = cv2.resize(img, (32, 32), interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(str(faces_dir / f'{3 - i:02d}.png'), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    (faces_dir / 'notes.txt').write_text('not a face')
    out = tmp_path / 'ceiling'
    report = decoder_ceiling.main([str(ckpt), '--prefix', 'decoder', '--faces', str(faces_dir),
                                   '--num', '3', '--steps', '60', '--lr', '0.05', '--batch-size',
                                   '2', '--idsim', '--out', str(out), '--save-latents'])
    printed = capsys.readouterr().out
    assert 'W+ spread of the ceiling in units of sigma_w' in printed

    saved = json.loads((out / 'ceiling.json').read_text())
    assert saved == json.loads(json.dumps(report))
    assert saved['faces'] == ['00.png', '01.png', '02.png']  # the first 3 in sorted order
    assert saved['args']['steps'] == 60 and saved['args']['prefix'] == 'decoder'
    w, wplus = saved['results']['W'], saved['results']['W+']
    assert wplus['PSNR'] >= w['PSNR'] > 10  # W+ contains W
    assert 0 < w['SSIM'] <= 1 and 0 < wplus['SSIM'] <= 1
    # IDSim of each fit: the faces its saved codes redraw against the targets the tool read,
    # as the mean cosine of their FaceNet embeddings computed here (numpy)
    from dapfsr.evaluation.metrics.identity import FaceNetEmbedder, find_facenet_graph
    embed = FaceNetEmbedder(find_facenet_graph())
    targets = embed(decoder_ceiling.load_faces([str(faces_dir / n) for n in saved['faces']], 16))
    for space, result in (('w', w), ('wplus', wplus)):
        codes = torch.load(out / f'latents_{space}.pth', weights_only=True)['latents']
        with torch.no_grad():
            fits = (decoder(codes, input_is_latent=True, randomize_noise=False).clamp(-1, 1) + 1) / 2
        a, b = embed(fits).double().numpy(), targets.double().numpy()
        cosines = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
        assert result['IDSim'] == pytest.approx(cosines.mean(), abs=1e-4), space
    assert saved['wplus_spread_sigma_w'] > 0 and saved['wplus_spread'] > 0
    assert sorted(p.name for p in out.iterdir()) == [
        'ceiling.json', 'ceiling_grid.png', 'latents_w.pth', 'latents_wplus.pth']

    grid = cv2.imread(str(out / 'ceiling_grid.png'))
    assert grid.shape == (3 * 18 + 2, 3 * 18 + 2, 3)  # rows target / W / W+, 3 faces, 16 px cells
    latents = torch.load(out / 'latents_wplus.pth', weights_only=True)
    assert latents['files'] == saved['faces']
    assert latents['latents'].shape == (3, decoder.num_latents, 16)
    assert latents['latents'].dtype == torch.float32
    spread = latents['latents'].std(0).mean()
    assert abs(spread.item() - saved['wplus_spread']) < 1e-5
    assert abs(spread.item() / decoder.latent_std.mean().item()
               - saved['wplus_spread_sigma_w']) < 1e-5
    # the saved codes redraw the fitted faces (the grid's W+ row)
    with torch.no_grad():
        redrawn = decoder(latents['latents'], input_is_latent=True, randomize_noise=False)
    cell = cv2.cvtColor(grid[2 + 2 * 18:2 + 2 * 18 + 16, 2:18], cv2.COLOR_BGR2RGB)
    expected = ((redrawn[0].clamp(-1, 1) + 1) / 2 * 255).round().permute(1, 2, 0).numpy()
    assert np.abs(cell.astype(float) - expected).max() <= 1
