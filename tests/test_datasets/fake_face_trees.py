"""Tiny fake trees with the official layouts of datasets this machine does not hold."""
import os
import os.path as osp

import cv2
import numpy as np

ATTRIBUTES = ('5_o_Clock_Shadow Arched_Eyebrows Attractive Bags_Under_Eyes Bald Bangs Big_Lips Big_Nose '
              'Black_Hair Blond_Hair Blurry Brown_Hair Bushy_Eyebrows Chubby Double_Chin Eyeglasses Goatee '
              'Gray_Hair Heavy_Makeup High_Cheekbones Male Mouth_Slightly_Open Mustache Narrow_Eyes No_Beard '
              'Oval_Face Pale_Skin Pointy_Nose Receding_Hairline Rosy_Cheeks Sideburns Smiling Straight_Hair '
              'Wavy_Hair Wearing_Earrings Wearing_Hat Wearing_Lipstick Wearing_Necklace Wearing_Necktie '
              'Young').split()


def fake_celeba(root, partition=(0, 0, 0, 1, 2, 2), flagged=None):
    """The aligned release's layout; ``flagged`` maps image number -> attribute set to 1."""
    flagged = flagged or {}
    os.makedirs(osp.join(root, 'img_align_celeba'))
    lines_part, lines_attr = [], [str(len(partition)), ' '.join(ATTRIBUTES)]
    for i, split in enumerate(partition, 1):
        name = f'{i:06d}.jpg'
        img = np.zeros((218, 178, 3), np.uint8)
        img[54:187, 34:141] = 40 * i  # MTDN's box
        cv2.imwrite(osp.join(root, 'img_align_celeba', name), img)
        lines_part.append(f'{name} {split}')
        values = ['1' if a == flagged.get(i) else '-1' for a in ATTRIBUTES]
        lines_attr.append(f'{name} ' + '  '.join(values))
    with open(osp.join(root, 'list_eval_partition.txt'), 'w') as f:
        f.write('\n'.join(lines_part) + '\n')
    with open(osp.join(root, 'list_attr_celeba.txt'), 'w') as f:
        f.write('\n'.join(lines_attr) + '\n')
    return str(root)


def fake_multipie(root, subjects=('001', '002'), cameras=('05_1', '14_0'), flashes=('00', '07')):
    """data/session01/multiview/SSS/RR/CC_C/SSS_01_RR_CCC_FF.png, recordings 01 (neutral), 02 (smile)."""
    paths = []
    for subject in subjects:
        for recording in ('01', '02'):
            for camera in cameras:
                folder = osp.join(root, 'data', 'session01', 'multiview', subject, recording, camera)
                os.makedirs(folder)
                for flash in flashes:
                    name = f'{subject}_01_{recording}_{camera.replace("_", "")}_{flash}.png'
                    cv2.imwrite(osp.join(folder, name), np.full((48, 64, 3), int(flash) * 10, np.uint8))
                    paths.append(osp.join(folder, name))
    return str(root), paths


def fake_casia(root):
    """sN/{NIR,VIS}/SUBJECT/NNN.{bmp,jpg} and protocols/*.txt with Windows separators."""
    entries = {'nir_probe_1.txt': [r's2\NIR\10117\016.bmp', r's2\NIR\10118\001.bmp'],
               'vis_gallery_1.txt': [r's1\VIS\10117\001.jpg', r's1\VIS\10118\002.jpg']}
    os.makedirs(osp.join(root, 'protocols'))
    for fname, lines in entries.items():
        with open(osp.join(root, 'protocols', fname), 'w') as f:
            f.write('\r\n'.join(lines) + '\r\n')
        for line in lines:
            path = osp.join(root, *line.split('\\'))
            os.makedirs(osp.dirname(path), exist_ok=True)
            cv2.imwrite(path, np.full((40, 30), 90, np.uint8))
    return str(root)


def fake_subject_folders(root, subjects=('s1', 's2', 's3'), conditions=('light+00', 'light-30'), photos=2):
    """SUBJECT/SUBJECT_PP_CONDITION.pgm: ``photos`` photos of each subject under each condition."""
    for n, subject in enumerate(subjects):
        os.makedirs(osp.join(root, subject))
        for photo in range(photos):
            for condition in conditions:
                cv2.imwrite(osp.join(root, subject, f'{subject}_{photo:02d}_{condition}.pgm'),
                            np.full((24, 20), 30 * n + photo, np.uint8))
    return str(root)
