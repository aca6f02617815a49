"""Finding USB sticks in the kernel's mount table (Linux), on a fake /proc and /sys."""

from __future__ import annotations

from pathlib import Path

from rangtang_desktop.drives import linux_removable

MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 253:1 / / rw,relatime - ext4 /dev/vda1 rw
40 27 8:17 / /mnt/stick rw,nosuid - vfat /dev/sdb1 rw,uid=1000
41 27 8:33 / /run/media/zhuoma/KINGSTON rw - exfat /dev/sdc1 rw
42 27 8:1 / /home rw - ext4 /dev/sda1 rw
43 27 8:49 / /mnt/with\\040space rw - vfat /dev/sdd rw
"""


def fake_sys(root: Path, disks: dict[str, bool]) -> Path:
    block = root / "class" / "block"
    block.mkdir(parents=True)
    for disk, removable in disks.items():
        folder = root / "devices" / disk
        folder.mkdir(parents=True)
        (folder / "removable").write_text("1\n" if removable else "0\n")
        (block / disk).symlink_to(folder)
        partition = folder / f"{disk}1"
        partition.mkdir()
        (block / f"{disk}1").symlink_to(partition)
    return block


def test_removable_partitions_and_usb_mount_folders_are_found(tmp_path):
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(MOUNTINFO)
    block = fake_sys(tmp_path / "sys", {"vda": False, "sda": False, "sdb": True, "sdc": False, "sdd": True})
    found = linux_removable(mountinfo, block)
    assert found == [Path("/mnt/stick"), Path("/run/media/zhuoma/KINGSTON"), Path("/mnt/with space")]


def test_an_unreadable_mount_table_finds_nothing(tmp_path):
    assert linux_removable(tmp_path / "missing", tmp_path) == []
