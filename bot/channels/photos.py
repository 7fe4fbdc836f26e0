"""A photo a person sent, fetched back from the channel that received it, made fit to show on a
web page: re-encoded as a JPEG at most `MAX_SIDE` pixels wide or high, without its metadata
(a phone's EXIF can carry where and when it was taken, and the phone's make).

A need keeps only the channel's reference to its photo (`needs.photo_ref`): a Telegram file_id,
or `whatsapp:MEDIA_ID`. Kenesh stores no image itself; whoever shows one asks for it here.
SMS (an MMS URL behind Twilio's authentication) and the simulator give nothing to show.
"""

from __future__ import annotations

import io
import logging

from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from PIL import Image, UnidentifiedImageError

from bot.channels.telegram.session import JsonSession
from bot.channels.whatsapp.graph import Graph
from bot.channels.whatsapp.render import MEDIA_PREFIX
from bot.settings import Settings

log = logging.getLogger("kenesh.photos")

MAX_BYTES = 10 * 1024 * 1024  # what a channel gives is smaller; anything bigger is refused
MAX_SIDE = 1280  # enough for a phone's screen, a fraction of the original's bytes
QUALITY = 80


async def _download(settings: Settings, ref: str) -> bytes | None:
    if ref.startswith(MEDIA_PREFIX):
        if not (settings.whatsapp_token and settings.whatsapp_phone_number_id):
            return None
        graph = Graph(settings)
        try:
            return (await graph.download(ref[len(MEDIA_PREFIX) :])).data
        finally:
            await graph.close()
    if not settings.telegram_bot_token or ref.startswith(("http:", "https:")) or not ref:
        return None
    api = TelegramAPIServer.from_base(settings.telegram_api_url)
    session = JsonSession(api=api, timeout=settings.send_timeout_seconds)
    bot = Bot(settings.telegram_bot_token, session=session)
    try:
        buffer = await bot.download(ref)
        return buffer.read() if buffer is not None else None
    finally:
        await bot.session.close()


def clean_jpeg(raw: bytes) -> bytes | None:
    """`raw` as a JPEG without metadata, scaled down to `MAX_SIDE`; None if it is no image."""
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            pixels = image.convert("RGB")  # drops EXIF, ICC, comments: only the pixels go on
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


async def fetch_photo(settings: Settings, ref: str) -> bytes | None:
    """The photo behind `ref` as a clean JPEG, or None when its channel is off, it is gone
    (Telegram and WhatsApp keep files for a limited time) or it is not an image."""
    try:
        raw = await _download(settings, ref)
    except Exception as error:  # the provider's error, a timeout; its text may quote a URL
        # with the bot's token in it, so only its kind is logged
        log.warning("could not fetch a photo from its channel: %s", type(error).__name__)
        return None
    if raw is None or len(raw) > MAX_BYTES:
        return None
    return clean_jpeg(raw)
