"""Alignment of a photo's face onto the training crop (dapfsr.apis.face_alignment)."""
import numpy as np

from dapfsr.apis.face_alignment import TEMPLATE_128, TEMPLATE_SIDE, alignment_matrix


def test_alignment_puts_the_landmarks_on_the_template(astronaut_reference):
    _, ref = astronaut_reference
    m = alignment_matrix(ref.landmarks)
    mapped = ref.landmarks @ m[:, :2].T + m[:, 2]
    assert np.abs(mapped - TEMPLATE_128).max() < 6  # a similarity: not exact, close
    eyes = mapped[:2].mean(0)
    assert abs(eyes[0] - TEMPLATE_SIDE / 2) < 3
