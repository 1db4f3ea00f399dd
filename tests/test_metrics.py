"""End-to-end checks of the metrics module that do not belong in the chapter: the training command line,
the committed weights file, and missing or malformed weight files."""
import pytest
import torch

from layered_gan.metrics import (FIDInceptionV3, ShapesFeatureNet, default_shapes_features_path, find_inception_weights,
                                 load_fid_inception, load_shapes_feature_net, main_train_features)


def test_train_features_command_writes_a_loadable_file(tmp_path):
    out = tmp_path / "sub" / "feat.pt"
    info = main_train_features(["--out", str(out), "--steps", "3", "--n-train", "64", "--resolution", "32"])
    assert out.is_file() and info["steps"] == 3
    ckpt = torch.load(out, weights_only=True)                  # plain containers and tensors only
    assert set(ckpt) == {"config", "state_dict", "info"} and ckpt["config"]["resolution"] == 32
    net = load_shapes_feature_net(out)
    assert isinstance(net, ShapesFeatureNet) and not net.training
    assert net(torch.zeros(2, 3, 64, 64)).shape == (2, 128)   # resized to its 32 px training resolution


def test_train_features_from_the_command_line_exits_0(tmp_path, capsys):
    "Through `layered-gan`, the command's status is 0 and its scores are printed (not returned as a status)."
    from layered_gan.cli import main
    out = tmp_path / "feat.pt"
    assert main(["train-features", "--out", str(out), "--steps", "2", "--n-train", "32", "--resolution", "32"]) == 0
    assert out.is_file() and "test scores:" in capsys.readouterr().out


def test_committed_shapes_weights():
    path = default_shapes_features_path()
    assert path.is_file(), f"{path} missing: run `layered-gan train-features --out {path}`"
    assert path.stat().st_size < 2 * 2**20
    net = load_shapes_feature_net(path)
    assert net.cfg.resolution == 64 and net.info["category_acc"] > 0.9
    for r in (32, 64, 128):
        assert net(torch.zeros(1, 3, r, r)).shape == (1, 128)


def test_missing_and_malformed_weight_files(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="train-features"):
        load_shapes_feature_net(tmp_path / "nope.pt")
    monkeypatch.setenv("LAYERED_GAN_INCEPTION", str(tmp_path / "nope.pth"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))            # an empty hub cache
    with pytest.raises(FileNotFoundError, match="LAYERED_GAN_INCEPTION"):
        load_fid_inception()
    bad = tmp_path / "bad.pth"
    torch.save({"fc.weight": torch.zeros(3, 3)}, bad)          # a file, but not the FID Inception's weights
    monkeypatch.setenv("LAYERED_GAN_INCEPTION", str(bad))
    assert find_inception_weights() == bad
    with pytest.raises(RuntimeError, match="state_dict"):
        load_fid_inception()


def test_inception_weights_from_env_var(tmp_path, monkeypatch):
    path = tmp_path / "pt_inception.pth"
    torch.save(FIDInceptionV3().state_dict(), path)            # random weights with the right keys and shapes
    monkeypatch.setenv("LAYERED_GAN_INCEPTION", str(path))
    net = load_fid_inception()
    assert not any(p.requires_grad for p in net.parameters())
    with torch.no_grad():
        assert net(torch.zeros(1, 3, 32, 32)).shape == (1, 2048)
