"""Gather more photographs for the `photo` folder dataset: python scripts/gather_photos.py OUT.

The `photo` dataset (`layered-gan make-folder photo`) crops its backgrounds from the three photographs installed with
matplotlib and scikit-learn. To see whether the number of distinct photographs matters, this copies those three and
scikit-image's eight colour sample photographs (`pip install scikit-image`; the grey ones are left out, since grey
backgrounds would set the coloured objects apart by colour alone) into the new folder OUT, for
`layered-gan make-folder photo --photos OUT --out runs/folders/photo11` (datasets chapter)."""
import shutil, sys
from pathlib import Path
from layered_gan.datasets import bundled_photos

SKIMAGE_COLOUR = ("astronaut.png", "chelsea.png", "coffee.png", "hubble_deep_field.jpg", "ihc.png",
                  "motorcycle_left.png", "retina.jpg", "rocket.jpg")

def main(argv:list[str]) -> int:
    if len(argv) != 1: print(__doc__, file=sys.stderr); return 2
    out = Path(argv[0])
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"{out} exists and is not an empty folder", file=sys.stderr); return 2
    try: import skimage
    except ImportError: print("scikit-image is not installed: pip install scikit-image", file=sys.stderr); return 2
    data = Path(skimage.__file__).parent / "data"
    files = bundled_photos() + [data / f for f in SKIMAGE_COLOUR]
    missing = [str(f) for f in files if not f.is_file()]
    if missing: print(f"photographs not found: {', '.join(missing)}", file=sys.stderr); return 2
    out.mkdir(parents=True, exist_ok=True)
    for f in files: shutil.copy2(f, out / f.name)
    print(f"{len(files)} photographs in {out}: {', '.join(f.name for f in files)}")
    return 0

if __name__ == "__main__": sys.exit(main(sys.argv[1:]))
