"""Images through Pillow: checked, turned upright, stripped of metadata (EXIF with GPS, comments) by
re-encoding, and resized to a few widths for srcset. The only module that imports Pillow."""
from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageColor, ImageDraw, ImageOps

# Widths of the smaller copies (only those below the original's width are made).
WIDTHS = (480, 960, 1600)
# A decompression bomb is refused before it is decoded: 40 megapixels is more than any phone photo.
MAX_PIXELS = 40_000_000
TOO_LARGE = "Изображение слишком большое: можно не больше 40 мегапикселей (например, 8000 × 5000 точек). Уменьшите его."
SAVE_OPTIONS = {
    "jpeg": {"format": "JPEG", "quality": 85, "optimize": True, "progressive": True},
    "png": {"format": "PNG", "optimize": True},
    "webp": {"format": "WEBP", "quality": 82, "method": 4},
}


class ImageError(ValueError):
    """The file says it is an image but cannot be read as one."""


@dataclass
class ProcessedImage:
    data: bytes  # the re-encoded original
    width: int
    height: int
    renditions: dict[int, bytes] = field(default_factory=dict)  # width → re-encoded smaller copy


def decode(data: bytes) -> Image.Image:
    """The image decoded and turned upright; ImageError (in Russian) for a bomb or a damaged file."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it: here a bomb is an error like any other, and a
            # damaged EXIF block (a warning too) just gets dropped with the rest of the metadata.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise ImageError(TOO_LARGE)
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                image = ImageOps.exif_transpose(opened)  # the photo stands as taken, then EXIF is dropped
                image.load()
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageError(TOO_LARGE) from error
    except (OSError, SyntaxError, ValueError, TypeError, KeyError, IndexError, struct.error, EOFError) as error:
        raise ImageError("Файл повреждён или не является изображением.") from error
    return image


def check(data: bytes) -> None:
    """Decode once to refuse, before anything is saved, what process() would refuse."""
    decode(data).close()


def process(data: bytes, image_format: str) -> ProcessedImage:
    """Decode, orient, re-encode without metadata, and make the smaller copies."""
    image = decode(data)
    image = _mode_for(image, image_format)
    result = ProcessedImage(_encode(image, image_format), image.width, image.height)
    for width in WIDTHS:
        if width < image.width:
            height = max(1, round(image.height * width / image.width))
            result.renditions[width] = _encode(image.resize((width, height), Image.Resampling.LANCZOS), image_format)
    return result


def _mode_for(image: Image.Image, image_format: str) -> Image.Image:
    if image_format == "jpeg" and image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        return image.convert("RGBA")
    return image


def _encode(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    # No exif=, no icc_profile=, no pnginfo=: nothing of the uploaded file's metadata is written back.
    image.save(out, **SAVE_OPTIONS[image_format])
    return out.getvalue()


def placeholder(width: int, height: int, colours: tuple[str, str], image_format: str = "png") -> bytes:
    """A plain illustration for the demo content: a two-colour gradient with circles (no files to ship)."""
    top, bottom = (ImageColor.getrgb(c)[:3] for c in colours)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        share = y / max(1, height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * share) for a, b in zip(top, bottom)))
    for n in range(5):
        radius = height // (4 + n)
        x, y = width * (n + 1) // 6, height // 2 + (n % 2) * height // 8
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=(255, 255, 255), width=6)
    return _encode(image, image_format)

