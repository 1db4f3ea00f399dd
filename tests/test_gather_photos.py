"""`scripts/gather_photos.py` gathers the eleven photographs of the datasets chapter's `photo11` folder; a folder made
from them holds the same objects as the three-photograph `photo` folder of the same seed (only the backgrounds
differ), and a folder that is not empty is refused untouched."""
import json

import pytest

from test_refine_curve import load_script

pytest.importorskip("skimage")   # in the dev extra


def test_eleven_photographs_and_the_same_objects(tmp_path):
    from layered_gan.datasets import bundled_photos, make_folder_dataset
    gp = load_script("gather_photos")
    assert gp.main([str(tmp_path / "photos")]) == 0
    names = sorted(p.name for p in (tmp_path / "photos").iterdir())
    assert len(names) == 11 and {p.name for p in bundled_photos()} <= set(names)
    sizes = {"train": 3, "val": 6, "test": 3}
    few = make_folder_dataset(tmp_path / "three", "photo", seed=0, sizes=sizes)
    many = make_folder_dataset(tmp_path / "eleven", "photo", seed=0, sizes=sizes, photos=tmp_path / "photos")
    assert (len(few["photos"]), sorted(many["photos"])) == (3, names)
    assert json.loads((tmp_path / "eleven" / "dataset.json").read_text())["photos"] == many["photos"]
    for split, n in sizes.items():
        for i in range(n):
            f = f"{split}/masks/{i:05d}.png"
            assert (tmp_path / "three" / f).read_bytes() == (tmp_path / "eleven" / f).read_bytes(), f   # the same objects
    differ = [i for i in range(6) if (tmp_path / "three" / f"val/images/{i:05d}.png").read_bytes()
              != (tmp_path / "eleven" / f"val/images/{i:05d}.png").read_bytes()]
    assert differ                                                                                   # other backgrounds


def test_a_folder_that_is_not_empty_is_refused(tmp_path, capsys):
    gp = load_script("gather_photos")
    (tmp_path / "keep.txt").write_text("mine")
    assert gp.main([str(tmp_path)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"] and (tmp_path / "keep.txt").read_text() == "mine"
    assert gp.main([]) == 2
