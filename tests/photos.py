"""Photos for tests: a real JPEG carrying EXIF metadata (a phone's make, GPS), as a resident's
phone sends, and a fake Bot API that serves it for a file_id."""

from __future__ import annotations

import io

from PIL import Image

EXIF_MAKE = "Phone-of-Aigul-Secret"


def jpeg_with_exif(size: tuple[int, int] = (2000, 1500), make: str = EXIF_MAKE) -> bytes:
    """A JPEG bigger than a page shows, whose EXIF names the phone it was taken with."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = make  # Make
    exif[0x0110] = make  # Model
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()
