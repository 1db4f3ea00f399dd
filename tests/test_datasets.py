"""The dataset loaders on miniature copies of each dataset in its exact on-disk layout: splits, shapes and dtypes,
RGB conversion, the bounding-box crop, categories, and every kind of bad data, which must raise an error naming
the file rather than be skipped. The chapter (nbs/07_datasets.ipynb) shows the normal cases."""
import random

import numpy as np
import pytest
import torch
from PIL import Image

from layered_gan.datasets import (APCDataset, CUBDataset, DatasetError, DatasetNotFoundError, ImageFolderDataset,
                                  StanfordCarsDataset, StanfordDogsDataset, apc_split_scenes, box_crop, cub_split_ids,
                                  load_dataset, read_image)

BG, FG = (40, 90, 200), (230, 60, 20)


def picture(w, h, box, mode="RGB"):
    "An image with a rectangle `box` = (x, y, w, h) of colour FG on BG, in `mode`, and its 0/255 mask."
    x, y, bw, bh = box
    a = np.empty((h, w, 3), np.uint8); a[:] = BG; a[y:y + bh, x:x + bw] = FG
    m = np.zeros((h, w), np.uint8); m[y:y + bh, x:x + bw] = 255
    return Image.fromarray(a).convert(mode), Image.fromarray(m)


def make_cub(root, codes, n_classes=4, size=(60, 60), box=(20, 20, 16, 16), three_way=True):
    "CUB_200_2011 layout; `codes[i]` is image i+1's code in train_val_test_split.txt (0 train, 1 val, 2 test)."
    n = len(codes)
    imgs, labels, boxes = [], [], []
    for i in range(1, n + 1):
        c = (i - 1) % n_classes
        rel = f"{c + 1:03d}.Bird_{c}/Bird_{c}_{i:05d}.jpg"
        im, m = picture(*size, box)
        for sub, pic in [("images", im), ("segmentations", m)]:
            p = (root / sub / rel).with_suffix(".jpg" if sub == "images" else ".png")
            p.parent.mkdir(parents=True, exist_ok=True); pic.save(p)
        imgs.append(f"{i} {rel}"); labels.append(f"{i} {c + 1}"); boxes.append(f"{i} {' '.join(map(str, box))}")
    (root / "images.txt").write_text("\n".join(imgs) + "\n")
    (root / "image_class_labels.txt").write_text("\n".join(labels) + "\n")
    (root / "bounding_boxes.txt").write_text("\n".join(boxes) + "\n")
    (root / "train_test_split.txt").write_text("".join(f"{i} {int(c == 0)}\n" for i, c in enumerate(codes, 1)))
    if three_way: (root / "train_val_test_split.txt").write_text("".join(f"{i} {c}\n" for i, c in enumerate(codes, 1)))
    return root


def make_folder(root, n=4, masks=True, labels=None, size=(40, 30)):
    (root / "images").mkdir(parents=True)
    if masks: (root / "masks").mkdir()
    for i in range(n):
        im, m = picture(*size, (10, 8, 12, 10))
        im.save(root / "images" / f"img{i}.png")
        if masks: m.save(root / "masks" / f"img{i}.png")
    if labels is not None:
        (root / "labels.csv").write_text("file,category\n" + "".join(f"img{i}.png,{labels[i]}\n" for i in range(n)))
    return root


def make_drc(root, name, n_train=3, n_test=2, originals=False):
    idx = {"dogs": ("data_tr_sel.npy", "data_te_sel.npy"), "cars": ("data_mrcnn_train_select.npy", "data_mrcnn_test_select.npy")}[name]
    root.mkdir(parents=True)
    for split, fname, n in [("train", idx[0], n_train), ("test", idx[1], n_test)]:
        toks = [f"{split}_{j}" for j in range(n)]
        np.save(root / fname, np.array(toks))
        d = root / "data_mrcnn" / split / "resized"; d.mkdir(parents=True)
        for t in toks:
            im, m = picture(32, 32, (4, 6, 10, 12))
            im.save(d / f"{t}_resized.png"); m.save(d / f"{t}_maskresized.png")
            if originals and split == "train":
                p = root / ("train_orig/orig" if name == "dogs" else "data_mrcnn/train/orig") / f"{t}_orig.png"
                p.parent.mkdir(parents=True, exist_ok=True); picture(48, 36, (8, 8, 20, 16))[0].save(p)
    return root


# ---------------------------------------------------------------- splits

def test_cub_three_way_split_scaled_down(tmp_path):
    codes = [0] * 100 + [1] * 8 + [2] * 10                       # 10,000 / 788 / 1,000 scaled down
    random.Random(1).shuffle(codes)
    root = make_cub(tmp_path / "CUB_200_2011", codes, size=(8, 8), box=(2, 2, 3, 3))
    for split, k, n in [("train", 0, 100), ("val", 1, 8), ("test", 2, 10)]:
        ids = cub_split_ids(root, split)
        assert len(ids) == n and ids == [i for i, c in enumerate(codes, 1) if c == k]
        assert len(CUBDataset(root, split, 8)) == n
    assert len(CUBDataset(tmp_path, "test", 8)) == 10           # the parent of CUB_200_2011/ works too
    assert len(CUBDataset(root, "train", 8, n=7)) == 7
    (root / "train_val_test_split.txt").unlink()                # the official split as fallback
    assert len(CUBDataset(root, "train", 8)) == 100 and len(CUBDataset(root, "test", 8)) == 18
    with pytest.raises(DatasetError, match="train_val_test_split.txt"): CUBDataset(root, "val", 8)


def test_apc_scene_split_is_genesis_v2s(tmp_path):
    scenes = [f"shelf/obj{o}/scene-{k:04d}" for o in range(3) for k in range(13)]
    ref = sorted(scenes); random.seed(0); random.shuffle(ref); k = len(ref) // 10
    s = apc_split_scenes(list(reversed(scenes)))
    assert (s["val"], s["test"], s["train"]) == (ref[:k], ref[k:2 * k], ref[2 * k:])
    assert sum(map(len, s.values())) == len(scenes) and len(s["train"]) == len(scenes) - 2 * k


# ---------------------------------------------------------------- items

def test_every_loader_returns_the_same_kind_of_items(tmp_path):
    cub = make_cub(tmp_path / "cub", [0, 0, 2, 2, 0, 1])
    folder = make_folder(tmp_path / "f", labels=[0, 1, 1, 0])
    dogs = make_drc(tmp_path / "dogs", "dogs")
    apc = tmp_path / "apc"
    for o in range(2):
        for k in range(10):
            d = apc / "processed" / "tote" / f"obj{o}" / f"scene-{k:04d}"; (d / "masks").mkdir(parents=True)
            im, m = picture(20, 16, (3, 3, 6, 6)); im.save(d / "frame-000000.color.png"); m.save(d / "masks/frame-000000.mask.png")
    for name, root, split, n in [("cub", cub, "train", 3), ("folder", folder, "test", 4), ("dogs", dogs, "test", 2),
                                 ("apc", apc, "test", 2), ("cars", make_drc(tmp_path / "cars", "cars"), "train", 3)]:
        d = load_dataset(name, root, split, 16)
        assert d["images"].shape == (n, 3, 16, 16) and d["images"].dtype == torch.uint8, name
        assert d["masks"].shape == (n, 1, 16, 16) and d["masks"].dtype == torch.float32, name
        assert set(d["masks"].unique().tolist()) <= {0.0, 1.0}, name
        assert (d["labels"] is None) == (name in ("dogs", "cars")), name
        if d["labels"] is not None: assert d["labels"].dtype == torch.long
    x, m, c = ImageFolderDataset(folder, "train", 16)[1]
    assert x.shape == (3, 16, 16) and x.dtype == torch.float32 and -1 <= x.min() <= x.max() <= 1
    assert m.shape == (1, 16, 16) and c == 1


def test_rgb_made_explicit(tmp_path):
    root = tmp_path / "f"; (root / "images").mkdir(parents=True)
    rgb, _ = picture(12, 10, (2, 2, 4, 4))
    rgb.convert("L").save(root / "images" / "grey.jpg", quality=100)
    rgba = rgb.convert("RGBA"); rgba.putalpha(Image.new("L", rgba.size, 0)); rgba.save(root / "images" / "clear.png")
    rgb.convert("P", palette=Image.Palette.ADAPTIVE).save(root / "images" / "palette.png")
    rgb.convert("CMYK").save(root / "images" / "cmyk.jpg", quality=100)
    Image.fromarray(np.full((10, 12), 250 * 257, np.uint16)).save(root / "images" / "grey16.png")
    ds = ImageFolderDataset(root, "train", 10)
    names = [it.image.name for it in ds.items]
    d = ds.tensors()
    px = {n: d["images"][i, :, 5, 9].tolist() for i, n in enumerate(names)}   # a background pixel
    assert px["clear.png"] == [255, 255, 255]                   # fully transparent: the white background
    assert px["palette.png"] == list(BG)
    assert max(abs(a - b) for a, b in zip(px["cmyk.jpg"], BG)) <= 3
    g = px["grey.jpg"]; assert g[0] == g[1] == g[2]
    assert px["grey16.png"] == [250, 250, 250]                  # 16-bit scaled to 8 bits, not clipped
    assert read_image(root / "images" / "grey.jpg").shape == (3, 10, 12)


def test_bounding_box_crop_geometry(tmp_path):
    assert box_crop((50, 60, 40, 20), (200, 150)) == (40, 40, 100, 100)     # 1.5 x 40 around the centre (70, 70)
    assert box_crop((10, 10, 20, 40), (200, 200)) == (-10 + 10, 0, 50, 60)  # clipped at the top-left, as DRC
    assert box_crop((190, 190, 20, 20), (200, 200)) == (185, 185, 200, 200)
    root = make_cub(tmp_path / "cub", [0, 0, 0], size=(90, 70), box=(50, 30, 16, 16))
    crop = CUBDataset(root, "train", 24, bbox_crop=True).tensors()
    assert torch.allclose(crop["masks"].mean((1, 2, 3)), torch.full((3,), 16**2 / 24**2))   # the box fills (1/1.5)^2
    whole = CUBDataset(root, "train", 24).tensors()
    assert crop["masks"].mean() > 2 * whole["masks"].mean()


def test_categories(tmp_path):
    root = make_cub(tmp_path / "cub", [0] * 8, n_classes=4)
    assert CUBDataset(root, "train", 8).tensors()["labels"].tolist() == [0, 1, 2, 3, 0, 1, 2, 3]
    f = make_folder(tmp_path / "names", labels=["wren", "auk", "wren", "tit"])
    ds = ImageFolderDataset(f, "train", 8)
    assert ds.categories == ["auk", "tit", "wren"] and ds.tensors()["labels"].tolist() == [2, 0, 2, 1]
    f = make_folder(tmp_path / "ints", labels=[3, 0, 3, 1])
    assert ImageFolderDataset(f, "train", 8).tensors()["labels"].tolist() == [3, 0, 3, 1]
    (f / "labels.csv").write_text("file,category\nimg0,1\nimg1,1\nimg2,0\nimg3,0\n")  # stems work too
    assert ImageFolderDataset(f, "train", 8).tensors()["labels"].tolist() == [1, 1, 0, 0]
    # one labels.csv at the root of a folder with train/ and test/: used for both splits, by split/name or by name
    both = tmp_path / "both"
    make_folder(both / "train", n=4); make_folder(both / "test", n=2)
    (both / "labels.csv").write_text("file,category\n" + "".join(f"train/img{i}.png,{'ab'[i % 2]}\n" for i in range(4))
                                     + "test/img0.png,b\ntest/img1.png,a\n")
    assert ImageFolderDataset(both, "train", 8).tensors()["labels"].tolist() == [0, 1, 0, 1]
    assert ImageFolderDataset(both, "test", 8).tensors()["labels"].tolist() == [1, 0]
    (both / "labels.csv").write_text("file,category\ntrain/img0.png,a\n")           # a split's image without a row: named
    with pytest.raises(DatasetError, match="no category"): ImageFolderDataset(both, "test", 8)
    dogs = make_drc(tmp_path / "dogs", "dogs")
    (dogs / "labels.csv").write_text("file,category\n" + "".join(f"{s}_{j},{j}\n" for s, n in [("train", 3), ("test", 2)] for j in range(n)))
    assert load_dataset("dogs", dogs, "test", 8)["labels"].tolist() == [0, 1]


def test_drc_originals_for_training(tmp_path):
    dogs = make_drc(tmp_path / "dogs", "dogs", originals=True)
    d = load_dataset("dogs", dogs, "train", 16)
    assert d["masks"] is None and d["images"].shape == (3, 3, 16, 16)
    assert load_dataset("dogs", dogs, "train", 16, originals=False)["masks"].shape == (3, 1, 16, 16)
    cars = make_drc(tmp_path / "cars", "cars", originals=True)
    ds = StanfordCarsDataset(cars, "train", 16)
    assert all("data_mrcnn/train/orig" in it.image.as_posix() for it in ds.items)
    assert StanfordDogsDataset(dogs, "test", 16).has_masks


def test_load_split_reads_real_datasets(tmp_path):
    from layered_gan.runs import load_split
    from layered_gan.training import TrainConfig
    root = make_folder(tmp_path / "f", labels=[0, 1, 0, 1])
    cfg = TrainConfig(dataset="folder", data_root=str(root))
    d = load_split(cfg, "train")
    assert d["images"].shape == (4, 3, cfg.resolution, cfg.resolution) and d["labels"].tolist() == [0, 1, 0, 1]


# ---------------------------------------------------------------- bad data: an error naming the file, never a skip

def test_missing_files_and_folders(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="nowhere"): load_dataset("folder", tmp_path / "nowhere", "train", 8)
    with pytest.raises(FileNotFoundError, match="images.txt"): load_dataset("cub", tmp_path, "train", 8)
    root = make_cub(tmp_path / "cub", [0, 0, 2])
    gone = root / "images/002.Bird_1/Bird_1_00002.jpg"; gone.unlink()
    with pytest.raises(DatasetNotFoundError, match="1 image file.*Bird_1_00002.jpg"): CUBDataset(root, "train", 8)
    root = make_cub(tmp_path / "cub2", [0, 0, 2])
    (root / "segmentations/001.Bird_0/Bird_0_00001.png").unlink()
    with pytest.raises(DatasetNotFoundError, match="mask file.*Bird_0_00001.png"): CUBDataset(root, "train", 8)
    (root / "image_class_labels.txt").unlink()
    with pytest.raises(DatasetNotFoundError, match="image_class_labels.txt: missing"): CUBDataset(root, "train", 8)
    f = make_folder(tmp_path / "f")
    (f / "masks/img2.png").unlink()
    with pytest.raises(DatasetNotFoundError, match=r"no mask for 1 image.*img2.png"): ImageFolderDataset(f, "train", 8)
    f = make_folder(tmp_path / "split" / "train")
    with pytest.raises(DatasetNotFoundError, match="test/ folder"): ImageFolderDataset(tmp_path / "split", "test", 8)
    dogs = make_drc(tmp_path / "dogs", "dogs")
    (dogs / "data_te_sel.npy").unlink()
    with pytest.raises(DatasetNotFoundError, match="data_te_sel.npy: missing"): StanfordDogsDataset(dogs, "test", 8)
    with pytest.raises(DatasetNotFoundError, match="training/"): APCDataset(tmp_path, "train", 8)


def test_unreadable_and_truncated_images(tmp_path):
    f = make_folder(tmp_path / "f", masks=False, size=(64, 64))
    (f / "images/img1.png").write_text("<html>403 Forbidden</html>")
    with pytest.raises(DatasetError, match=r"img1.png: unreadable image"): load_dataset("folder", f, "train", 8)
    f = make_folder(tmp_path / "g", masks=False)
    noisy = Image.fromarray(np.random.RandomState(0).randint(0, 256, (64, 64, 3), np.uint8))
    noisy.save(f / "images/img3.png")
    data = (f / "images/img3.png").read_bytes(); (f / "images/img3.png").write_bytes(data[:len(data) // 2])
    with pytest.raises(DatasetError, match=r"img3.png: truncated image"): load_dataset("folder", f, "train", 8)
    with pytest.raises(DatasetError, match=r"img3.png: truncated image"): ImageFolderDataset(f, "train", 8)[3]
    f = make_folder(tmp_path / "h")
    (f / "masks/img0.png").write_bytes(b"\x89PNG\r\n")
    with pytest.raises(DatasetError, match=r"img0.png: (unreadable|truncated) mask"): load_dataset("folder", f, "train", 8)


def test_mask_size_mismatch(tmp_path):
    f = make_folder(tmp_path / "f")
    Image.new("L", (20, 15)).save(f / "masks/img2.png")
    with pytest.raises(DatasetError, match=r"masks/img2.png: mask is 20x15 pixels but its image .*img2.png is 40x30"):
        load_dataset("folder", f, "test", 8)


def test_empty_and_polluted_folders(tmp_path):
    (tmp_path / "e" / "images").mkdir(parents=True)
    with pytest.raises(DatasetError, match=r"images: no images \(an empty folder\)"): load_dataset("folder", tmp_path / "e", "train", 8)
    f = make_folder(tmp_path / "f", masks=False)
    (f / "images/.DS_Store").write_text("x")                   # hidden files are skipped
    assert len(ImageFolderDataset(f, "train", 8)) == 4
    (f / "images/notes.txt").write_text("x")
    with pytest.raises(DatasetError, match="notes.txt"): ImageFolderDataset(f, "train", 8)
    (f / "images/notes.txt").unlink(); (f / "images/img0.jpg").write_bytes((f / "images/img0.png").read_bytes())
    with pytest.raises(DatasetError, match="stem 'img0'"): ImageFolderDataset(f, "train", 8)
    (tmp_path / "nothing").mkdir()
    with pytest.raises(DatasetNotFoundError, match="images/ folder"): ImageFolderDataset(tmp_path / "nothing", "train", 8)
    (tmp_path / "apc" / "training").mkdir(parents=True)
    with pytest.raises(DatasetError, match="no scene folders"): APCDataset(tmp_path / "apc", "train", 8)


def test_malformed_metadata(tmp_path):
    root = make_cub(tmp_path / "cub", [0, 0, 2, 2])
    (root / "train_val_test_split.txt").write_text("1 0\n2 0\n3 2\n")          # image 4 has no split line
    with pytest.raises(DatasetError, match=r"train_val_test_split.txt: no split for 1 image id.*\[4\]"): CUBDataset(root, "train", 8)
    (root / "train_val_test_split.txt").write_text("1 0\n2 0\n3 2\n4 7\n")
    with pytest.raises(DatasetError, match="split values must be 0/1/2, got '7'"): CUBDataset(root, "test", 8)
    (root / "train_val_test_split.txt").write_text("1 0\n2 0\n3 2\n3 2\n")
    with pytest.raises(DatasetError, match="line 4: image id 3 appears twice"): CUBDataset(root, "test", 8)
    (root / "train_val_test_split.txt").write_text("1 0\n2 0\n3 2\n4 2\n")
    (root / "bounding_boxes.txt").write_text("1 1 2 3\n")
    with pytest.raises(DatasetError, match=r"bounding_boxes.txt, line 1: expected <image_id> and 4"): CUBDataset(root, "train", 8, bbox_crop=True)
    assert len(CUBDataset(root, "train", 8)) == 2              # boxes are read only for bbox_crop
    f = make_folder(tmp_path / "f", labels=[0, 1, 0, 1])
    (f / "labels.csv").write_text("file,category\nimg0.png,0\nimg1.png,1\nimg2.png,0\n")
    with pytest.raises(DatasetError, match=r"labels.csv: no category for 1 of 4 images.*img3.png"): ImageFolderDataset(f, "train", 8)
    (f / "labels.csv").write_text("file,category\n" + "".join(f"img{i}.png,0\n" for i in range(4)) + "ghost.png,1\n")
    with pytest.raises(DatasetError, match="not in the folder.*ghost.png"): ImageFolderDataset(f, "train", 8)
    (f / "labels.csv").write_text("name,class\nimg0.png,0\n")
    with pytest.raises(DatasetError, match="columns file,category"): ImageFolderDataset(f, "train", 8)
    dogs = make_drc(tmp_path / "dogs", "dogs")
    np.save(dogs / "data_tr_sel.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(DatasetError, match="data_tr_sel.npy: not a plain array"): StanfordDogsDataset(dogs, "train", 8)
    (dogs / "data_te_sel.npy").write_bytes(b"\x93NUMPY")
    with pytest.raises(DatasetError, match="data_te_sel.npy"): StanfordDogsDataset(dogs, "test", 8)


def test_bad_box_names_the_image(tmp_path):
    root = make_cub(tmp_path / "cub", [0, 0], size=(40, 40), box=(5, 5, 10, 10))
    (root / "bounding_boxes.txt").write_text("1 5 5 10 10\n2 500 500 10 10\n")
    with pytest.raises(DatasetError, match=r"Bird_1_00002.jpg: bounding box .* outside the 40x40 image"):
        load_dataset("cub", root, "train", 8, bbox_crop=True)
