"""Images are re-encoded through Pillow: metadata with GPS is gone, photos stand upright, copies for srcset."""
from __future__ import annotations

import io

import pytest
from PIL import Image

import sample_files
from portal.media import images


def test_gps_and_camera_metadata_are_stripped():
    original = sample_files.image("JPEG", gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(sample_files.GPS_IFD)  # the test file has GPS
    processed = images.process(original, "jpeg")
    for data in [processed.data, *processed.renditions.values()]:
        exif = Image.open(io.BytesIO(data)).getexif()
        assert not exif.get_ifd(sample_files.GPS_IFD) and 0x010F not in exif
        assert b"PhoneMaker" not in data


def test_smaller_copies_keep_the_proportions_and_are_only_made_below_the_original():
    processed = images.process(sample_files.image("PNG", size=(1200, 800)), "png")
    assert (processed.width, processed.height) == (1200, 800)
    assert sorted(processed.renditions) == [480, 960]
    assert Image.open(io.BytesIO(processed.renditions[480])).size == (480, 320)


def test_a_photo_taken_sideways_is_turned_upright():
    processed = images.process(sample_files.image("JPEG", size=(400, 300), orientation=6), "jpeg")
    assert (processed.width, processed.height) == (300, 400)


def test_a_broken_image_is_refused_in_russian():
    with pytest.raises(images.ImageError, match="повреждён"):
        images.process(sample_files.image("PNG")[:200], "png")
