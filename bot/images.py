"""Screenshots and images: OCR, so text in an image goes through the same pipeline.

Screenshots of a property record, a people-search page or another chat are a
common way doxxing reaches a channel. Adapters fetch image attachments (bounded by
`images.max_bytes`) into `ImageAttachment`s; `ImageReader.read` turns each into a
text attachment named "attachment:N" (N: its place among the message's attachments),
so the caption, the previous messages and the image's text are scanned together and
a finding in the image points at its attachment instead of a text span.

The engine is Tesseract (Debian's `tesseract-ocr`, with its English model in the
package): it installs with one `apt-get install` on a fresh machine, downloads no
model at run time, runs on the CPU, and reads chat UI text (12-16 px, light and dark
themes, JPEG artefacts) in about 0.2 s an image. Each image runs in its own
`tesseract` process from a bounded thread pool (`images.workers`), so OCR never
blocks the event loop and a stuck image is killed after `images.seconds_per_image`.
An image over a limit (bytes, pixels, seconds, images per message) is not read and
the incident says so; it is never passed over silently. The image itself is never
stored: the sealed original keeps its SHA-256 and URL.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import io
import logging
import os
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import ImageSettings
from bot.models import Attachment, ChatMessage, ImageAttachment

log = logging.getLogger("doxguard.images")

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")
IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")
SOURCE_PREFIX = "attachment:"


def is_image(name: str, content_type: str = "") -> bool:
    """PNG, JPEG, WebP or GIF, by MIME type or, failing that, by file name."""
    kind = content_type.split(";")[0].strip().lower()
    return kind in IMAGE_TYPES or name.lower().endswith(IMAGE_SUFFIXES)


def image_from_bytes(index: int, name: str, data: bytes, url: str = "") -> ImageAttachment:
    return ImageAttachment(
        index=index, name=name, url=url, data=data, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def skipped(index: int, name: str, url: str, size: int, note: str) -> ImageAttachment:
    """An image the adapter did not fetch (too big, download failed): noted, never silent."""
    return ImageAttachment(index=index, name=name, url=url, size=size, note=note)


@dataclass(frozen=True, slots=True)
class OcrResult:
    text: str = ""
    note: str = ""  # why the image was not read; empty when it was


class OcrUnavailable(RuntimeError):
    """The OCR program is not installed."""


def tesseract_path(command: str = "tesseract") -> str | None:
    return shutil.which(command)


def _prepare(data: bytes, settings: ImageSettings) -> tuple[bytes | None, str]:
    """Decode (first frame), check the pixel limit before decoding, grayscale, dark themes
    inverted (Tesseract reads dark text on light), small text scaled up. PGM bytes out."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > settings.max_pixels:
            return None, f"larger than images.max_pixels ({width}x{height})"
        image.seek(0)  # an animated GIF: its first frame
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, EOFError, Image.DecompressionBombError):
        return None, "not a readable image"
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        backdrop = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(backdrop, rgba)
    gray = _ink_contrast(image)
    histogram = gray.histogram()
    dark = sum(histogram[:128]) > sum(histogram[128:])
    if dark:
        gray = ImageOps.invert(gray)
    if gray.width < settings.upscale_below:
        factor = 2
        gray = gray.resize((gray.width * factor, gray.height * factor), Image.Resampling.BICUBIC)
    out = io.BytesIO()
    gray.save(out, format="PPM")  # PGM: no compression to spend time on
    return out.getvalue(), ""


def _ink_contrast(image):
    """Grayscale by the smallest colour channel: white text on a coloured bubble or
    button (blue, green) stays white while the bubble turns dark, where luminance would
    make both mid-grey; black or grey text on white or dark themes is unchanged."""
    from PIL import ImageChops

    rgb = image.convert("RGB")
    r, g, b = rgb.split()
    return ImageChops.darker(ImageChops.darker(r, g), b)


def ocr_bytes(data: bytes, settings: ImageSettings, program: str) -> OcrResult:
    """One image's text (blocking: run it in the pool)."""
    if len(data) > settings.max_bytes:
        return OcrResult(note=f"larger than images.max_bytes ({len(data)} bytes)")
    prepared, note = _prepare(data, settings)
    if prepared is None:
        return OcrResult(note=note)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # the pool is the parallelism
    try:
        done = subprocess.run(
            [program, "stdin", "stdout", "-l", settings.language, "--psm", "3",
             "-c", "thresholding_method=2"],  # Sauvola: local, for bubbles and banners
            input=prepared, capture_output=True, timeout=settings.seconds_per_image,
            env=env, check=False,
        )
    except subprocess.TimeoutExpired:
        return OcrResult(note=f"not read within images.seconds_per_image "
                              f"({settings.seconds_per_image:g} s)")
    except OSError as exc:
        return OcrResult(note=f"OCR failed ({type(exc).__name__})")
    if done.returncode != 0:
        return OcrResult(note="OCR failed (tesseract exit status "
                              f"{done.returncode})")
    text = done.stdout.decode("utf-8", "replace").replace("\f", "")
    return OcrResult(text="\n".join(line for line in text.splitlines() if line.strip()))


class ImageReader:
    """The bounded OCR pool, shared by every message of one bot."""

    def __init__(self, settings: ImageSettings):
        self.settings = settings
        self.program = tesseract_path(settings.tesseract) if settings.enabled else None
        self._pool: ThreadPoolExecutor | None = None
        if settings.enabled and self.program is None:
            log.warning(
                "images are not read: '%s' not found (install Debian's tesseract-ocr; README, "
                "Screenshots)", settings.tesseract,
            )

    @property
    def available(self) -> bool:
        return self.program is not None

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=max(1, self.settings.workers), thread_name_prefix="doxguard-ocr"
            )
        return self._pool

    def _plan(self, message: ChatMessage) -> list[tuple[ImageAttachment, bool]]:
        """(image, read it?) in order; past images.max_per_message they are only noted."""
        limit = self.settings.max_per_message
        return [(img, i < limit) for i, img in enumerate(message.images)]

    def _one(self, image: ImageAttachment, wanted: bool) -> OcrResult:
        if image.note:
            return OcrResult(note=image.note)
        if not wanted:
            return OcrResult(note="over images.max_per_message "
                                  f"({self.settings.max_per_message})")
        if not self.settings.enabled:
            return OcrResult(note="images are not read (images.enabled = false)")
        if self.program is None:
            return OcrResult(note="images are not read (tesseract is not installed)")
        if image.data is None:
            return OcrResult(note="not downloaded")
        return ocr_bytes(image.data, self.settings, self.program)

    async def read(self, message: ChatMessage) -> ChatMessage:
        """The message with each image's text as an attachment, off the event loop."""
        if not message.images:
            return message
        loop = asyncio.get_running_loop()
        pool = self._executor()
        results = await asyncio.gather(
            *(loop.run_in_executor(pool, self._one, img, wanted)
              for img, wanted in self._plan(message))
        )
        return _with_text(message, results)

    def read_sync(self, message: ChatMessage) -> ChatMessage:
        """The same for the command line (`doxguard check --image`, `scan`), in the pool."""
        if not message.images:
            return message
        pool = self._executor()
        futures = [pool.submit(self._one, img, wanted) for img, wanted in self._plan(message)]
        return _with_text(message, [f.result() for f in futures])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _with_text(message: ChatMessage, results: Sequence[OcrResult]) -> ChatMessage:
    """Text attachments "attachment:N" for the images read; notes kept on the images;
    the image bytes dropped (nothing downstream holds the picture)."""
    texts = []
    images = []
    for image, result in zip(message.images, results, strict=True):
        if result.text.strip():
            texts.append(Attachment(name=f"{SOURCE_PREFIX}{image.index}", text=result.text,
                                    size=image.size))
        images.append(dataclasses.replace(image, data=None, note=result.note))
        if result.note:  # never silent: the incident (if any) says it too
            log.info("message %s: %s%d not read: %s", message.id, SOURCE_PREFIX, image.index,
                     result.note)
    return dataclasses.replace(
        message, attachments=(*message.attachments, *texts), images=tuple(images)
    )


# --------------------------------------------------------------------------
# what the rest of the bot shows of images


def source_of(message: ChatMessage, start: int) -> str:
    """Where a finding at `start` of `message.full_text` is: "text" or "attachment:N"."""
    pos = len(message.text)
    if start < pos:
        return "text"
    for k, att in enumerate(message.attachments, start=1):
        pos += 1  # the "\n" full_text puts between parts
        if start < pos + len(att.text):
            return att.name if att.name.startswith(SOURCE_PREFIX) else f"file:{k}"
        pos += len(att.text)
    return "text"


def notes(message: ChatMessage) -> list[str]:
    """One line per image that was not read, for the incident ("attachment:2 not read: ...")."""
    return [f"{SOURCE_PREFIX}{img.index} not read: {img.note}" for img in message.images
            if img.note]


def excerpt_suffix(message: ChatMessage) -> str:
    """Appended to the masked excerpt, so the notice and `incident` say what was not read."""
    lines = notes(message)
    return (" [" + "; ".join(lines) + "]") if lines else ""


def sealed_refs(message: ChatMessage) -> list[dict[str, Any]]:
    """What the sealed original keeps of each image: its hash and URL, never the image."""
    return [
        {"source": f"{SOURCE_PREFIX}{img.index}", "name": img.name, "url": img.url,
         "sha256": img.sha256, "size": img.size}
        for img in message.images
    ]


def load_paths(paths: Sequence[str | Path], base: Path | None = None,
               max_bytes: int | None = None) -> tuple[ImageAttachment, ...]:
    """Images from files (console `/image`, `check --image`, scan records); a file too big
    is noted, not read; a missing file raises FileNotFoundError naming it."""
    out = []
    for i, raw in enumerate(paths, start=1):
        path = Path(raw).expanduser()
        if base is not None and not path.is_absolute():
            path = base / path
        size = path.stat().st_size
        url = path.resolve().as_uri()
        if max_bytes is not None and size > max_bytes:
            out.append(skipped(i, path.name, url, size,
                               f"larger than images.max_bytes ({size} bytes)"))
            continue
        out.append(image_from_bytes(i, path.name, path.read_bytes(), url))
    return tuple(out)


# --------------------------------------------------------------------------
# the command line: `doxguard scan` records with "attachments", `check --image`


def check_record_attachments(rec: dict[str, Any], where: str) -> str | None:
    """What is wrong with a scan record's "attachments" (a list of {"path": ...}), if any."""
    value = rec.get("attachments")
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(a, dict) and isinstance(a.get("path"), str) and a["path"] for a in value
    ):
        return f'{where}: "attachments" must be a list of {{"path": "FILE"}}'
    return None


def finding_records(message: ChatMessage, record: dict[str, Any], verdict: Any) -> None:
    """Point findings in an image at their attachment (`"source": "attachment:N"`) instead
    of a span of the text: the span indexes OCR output nobody can see."""
    out = []
    for f, rec in zip(verdict.findings, record["findings"], strict=True):
        source = source_of(message, f.start)
        if source.startswith(SOURCE_PREFIX):
            out.append({"category": rec["category"], "source": source, "masked": rec["masked"]})
        else:
            out.append(rec)
    record["findings"] = out
    skipped_notes = notes(message)
    if skipped_notes:
        record["not_read"] = skipped_notes


def scan_records(pipeline: Any, records: Sequence[dict[str, Any]], base: Path,
                 reader: ImageReader, explain: bool = False) -> list[dict[str, Any]]:
    """`doxguard scan` with images: each record's attachments read, then scanned in order."""
    from bot.pipeline import record_to_message, verdict_to_record

    ctx = pipeline.new_context()
    out = []
    for rec in records:
        message = record_to_message(rec)
        paths = [a["path"] for a in rec.get("attachments") or ()]
        if paths:
            loaded = load_paths(paths, base, reader.settings.max_bytes)
            message = reader.read_sync(dataclasses.replace(message, images=loaded))
        verdict = pipeline.scan(message, ctx, explain)
        record = verdict_to_record(message.id, verdict, explain)
        finding_records(message, record, verdict)
        out.append(record)
    return out
