"""Write the demo photo: scikit-image's astronaut shrunk so that her face is N px across.

    python tools/misc/demo_photo.py work_dirs/photos/astronaut.png [--face-size 20]

The input of the photo examples (README, docs/photos.md): a small face in a photo, for
``tools/infer.py``. Written as a lossless PNG (:func:`dapfsr.apis.photo.demo_photo`).
"""
import argparse

from dapfsr.apis.photo import demo_photo
from dapfsr.utils.fileio import write_image


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('file', help='the PNG to write, e.g. work_dirs/photos/astronaut.png')
    parser.add_argument('--face-size', type=float, default=20.0,
                        help='her face box, in pixels (default: 20; 87 at the original 512 px)')
    args = parser.parse_args()
    if not args.face_size > 0:
        parser.error(f'argument --face-size: must be > 0, got {args.face_size:g}')
    img = demo_photo(args.face_size)
    write_image(args.file, img)
    print(f'wrote {args.file}: scikit-image\'s astronaut, {img.shape[1]}x{img.shape[0]}, '
          f'her face about {args.face_size:g} px across')


if __name__ == '__main__':
    main()
