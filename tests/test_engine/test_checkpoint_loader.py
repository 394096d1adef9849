import pickle

import pytest
import torch
from mmengine.runner import CheckpointLoader


class Payload:
    """Unpickling it would run code; the safe loader must refuse it."""
    ran = False

    def __reduce__(self):
        return Payload.run, ()

    @staticmethod
    def run():
        Payload.ran = True


def load(path):
    return CheckpointLoader.load_checkpoint(str(path), map_location='cpu')


def test_loads_checkpoints_safely(tmp_path):
    path = tmp_path / 'good.pth'
    torch.save(dict(state_dict=dict(w=torch.arange(3.0)), meta=dict(iter=2)),
               path)
    torch.testing.assert_close(load(path)['state_dict']['w'],
                               torch.arange(3.0))
    evil = tmp_path / 'evil.pth'
    torch.save(dict(state_dict={}, payload=Payload()), evil)
    with pytest.raises(pickle.UnpicklingError,
                       match=r"evil\.pth. holds `.*Payload`, which "
                       r"torch's safe loader \(weights_only\) refuses"):
        load(evil)
    assert not Payload.ran


@pytest.mark.parametrize('content', [b'', b'\x00' * 64, 'half'])
def test_unreadable_files_are_called_unreadable(tmp_path, content):
    path = tmp_path / 'bad.pth'
    if content == 'half':  # a save cut short
        torch.save(dict(w=torch.zeros(1000)), path)
        content = path.read_bytes()[:2000]
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"bad\.pth' is not a readable torch "
                       r'checkpoint \(empty, truncated or corrupt file\?\)'):
        load(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match=r"checkpoint '.*none\.pth' does not exist"):
        load(tmp_path / 'none.pth')
