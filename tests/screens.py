"""Chat-like screenshots rendered by the tests themselves (Pillow + Debian's DejaVu fonts).

Every person and value is fictional (555-01xx numbers, example.org, SSNs from the
ranges never issued). `ensure_ocr_tools()` installs Debian's `tesseract-ocr` and
`fonts-dejavu-core` when they are missing and we are root (CI on a clean machine),
like tests/pg_server.py does for PostgreSQL; otherwise it fails saying what to
install. Nothing skips.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

DARK = {"bg": (49, 51, 56), "panel": (43, 45, 49), "fg": (219, 222, 225),
        "name": (242, 243, 245), "muted": (148, 155, 164), "accent": (88, 101, 242)}
LIGHT = {"bg": (255, 255, 255), "panel": (242, 243, 245), "fg": (29, 28, 29),
         "name": (18, 18, 18), "muted": (97, 96, 97), "accent": (18, 100, 163)}
THEMES = {"dark": DARK, "light": LIGHT}


def ensure_ocr_tools() -> None:
    """tesseract and the DejaVu fonts, installed with apt as root when missing."""
    missing = [pkg for pkg, present in (
        ("tesseract-ocr", shutil.which("tesseract") is not None),
        ("fonts-dejavu-core", REGULAR.exists() and BOLD.exists()),
    ) if not present]
    if not missing:
        return
    hint = f"install Debian's {' and '.join(missing)} (apt-get install {' '.join(missing)})"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError(f"OCR tests need {hint}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-q"],
                ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]):
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900,
                              check=False, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:2])} failed: {done.stderr[-500:]}; {hint}")


def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=font) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def chat(messages: list[tuple[str, str]], theme: str = "dark", size: int = 14,
         width: int = 560, header: str = "# general"):
    """A Discord/Slack-like channel: header bar, avatar, bold name, time, wrapped text."""
    from PIL import Image, ImageDraw

    t = THEMES[theme]
    font, bold, small = _font(size), _font(size, bold=True), _font(max(10, size - 3))
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    blocks = [(who, _wrap(probe, text, font, width - 80)) for who, text in messages]
    line_h = int(size * 1.45)
    height = 44 + sum(line_h * (len(lines) + 1) + 14 for _, lines in blocks)
    image = Image.new("RGB", (width, height), t["bg"])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 32), fill=t["panel"])
    draw.text((14, 8), header, font=bold, fill=t["name"])
    y = 44
    for i, (who, lines) in enumerate(blocks):
        draw.ellipse((14, y + 2, 50, y + 38), fill=t["accent"])
        draw.text((62, y), who, font=bold, fill=t["name"])
        stamp_x = 62 + int(draw.textlength(who, font=bold)) + 10
        draw.text((stamp_x, y + 3), f"Today at 9:{10 + i:02d} PM", font=small, fill=t["muted"])
        for k, line in enumerate(lines, start=1):
            draw.text((62, y + k * line_h), line, font=font, fill=t["fg"])
        y += line_h * (len(lines) + 1) + 14
    return image


def card(title: str, rows: list[tuple[str, str]], theme: str = "light", size: int = 15,
         width: int = 600):
    """A record page: people-search result, property record, lookup: label/value rows."""
    from PIL import Image, ImageDraw

    t = THEMES[theme]
    font, bold = _font(size), _font(size, bold=True)
    big = _font(size + 7, bold=True)
    row_h = int(size * 2.1)
    height = 90 + row_h * len(rows) + 20
    image = Image.new("RGB", (width, height), t["bg"])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 56), fill=t["accent"])
    draw.text((20, 14), title, font=big, fill=(255, 255, 255))
    y = 76
    for label, value in rows:
        draw.text((24, y), label, font=bold, fill=t["muted"])
        draw.text((200, y), value, font=font, fill=t["fg"])
        draw.line((20, y + row_h - 6, width - 20, y + row_h - 6), fill=t["panel"], width=1)
        y += row_h
    return image


def bubbles(texts: list[tuple[bool, str]], theme: str = "light", size: int = 15,
            width: int = 420):
    """A phone's text-message thread: grey bubbles left, blue bubbles right."""
    from PIL import Image, ImageDraw

    t = THEMES[theme]
    font = _font(size)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    wrapped = [(mine, _wrap(probe, text, font, width - 140)) for mine, text in texts]
    line_h = int(size * 1.4)
    height = 30 + sum(line_h * len(lines) + 34 for _, lines in wrapped)
    image = Image.new("RGB", (width, height), t["bg"])
    draw = ImageDraw.Draw(image)
    y = 20
    for mine, lines in wrapped:
        w = max(int(draw.textlength(line, font=font)) for line in lines) + 28
        h = line_h * len(lines) + 16
        x = width - w - 16 if mine else 16
        fill = (0, 122, 255) if mine else ((58, 58, 60) if theme == "dark" else (229, 229, 234))
        ink = (255, 255, 255) if mine or theme == "dark" else (0, 0, 0)
        draw.rounded_rectangle((x, y, x + w, y + h), radius=16, fill=fill)
        for k, line in enumerate(lines):
            draw.text((x + 14, y + 8 + k * line_h), line, font=font, fill=ink)
        y += h + 18
    return image


def meme(top: str, bottom: str, size: int = 34, width: int = 500):
    """Impact-style caption over a flat picture: big white text with a dark outline."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, 380), (96, 130, 182))
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 110, 350, 290), fill=(240, 200, 80))
    font = _font(size, bold=True)
    for text, y in ((top, 14), (bottom, 380 - size - 30)):
        x = max(8, (width - int(draw.textlength(text, font=font))) // 2)
        draw.text((x, y), text, font=font, fill=(255, 255, 255), stroke_width=2,
                  stroke_fill=(0, 0, 0))
    return image


def encode(image, fmt: str = "png", scale: float = 1.0, quality: int = 80) -> bytes:
    """The picture as a platform would carry it: scaled, then PNG, JPEG, WebP or GIF."""
    from PIL import Image

    if scale != 1.0:
        image = image.resize((int(image.width * scale), int(image.height * scale)),
                             Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "jpeg":
        image.convert("RGB").save(out, format="JPEG", quality=quality)
    elif fmt == "webp":
        image.save(out, format="WEBP", quality=quality)
    elif fmt == "gif":
        image.convert("P", palette=Image.Palette.ADAPTIVE).save(out, format="GIF")
    else:
        image.save(out, format="PNG")
    return out.getvalue()


@dataclass(frozen=True)
class Screen:
    """One test screenshot: how to draw it, the caption posted with it, what must happen."""

    name: str
    data: bytes
    caption: str
    category: str | None  # the category it must be hidden for; None: must be allowed


def _pii() -> list[Screen]:
    s: list[Screen] = []
    add = s.append
    add(Screen("chat-dark-address", encode(chat([
        ("mara", "anyone know where he lives?"),
        ("jdoe", "Officer Whitaker lives at 4471 Holly St, Kansas City, MO 64111")]),
        "jpeg", quality=70), "lol", "home_address"))
    add(Screen("chat-light-address", encode(chat([
        ("kev", "found it"), ("kev", "Whitaker's house is 2207 Belleview Ave, Kansas City MO")],
        theme="light", size=13), "png"), "", "home_address"))
    add(Screen("chat-dark-phone", encode(chat([
        ("anon", "Whitaker's personal cell is (816) 555-0147, call him all night")], size=15),
        "png"), "spread this", "phone_number"))
    add(Screen("chat-light-phone-small", encode(chat([
        ("t0ny", "here's Renee Okafor's home phone 816-555-0183")], theme="light", size=12),
        "jpeg", quality=75), "", "phone_number"))
    add(Screen("chat-dark-email", encode(chat([
        ("x", "Okafor's personal email is renee.okafor77@example.org, flood it")], size=14),
        "webp", quality=80), "", "email_address"))
    add(Screen("chat-light-scaled", encode(chat([
        ("sam", "Councilwoman Okafor lives at 5120 Wornall Rd, Kansas City, MO 64112")],
        theme="light", size=16), "jpeg", scale=0.8, quality=70), "", "home_address"))
    add(Screen("chat-dark-upscaled", encode(chat([
        ("q", "Luis Alvarez home address: 901 W 39th St, Kansas City, MO 64111")], size=12),
        "png", scale=1.5), "", "home_address"))
    add(Screen("card-people-search", encode(card("PeopleFinder result", [
        ("Name", "Daniel Whitaker"), ("Age", "51"), ("Address", "4471 Holly St"),
        ("City", "Kansas City, MO 64111"), ("Phone", "(816) 555-0147")]), "png"),
        "look what I found", "home_address"))
    add(Screen("card-property-record", encode(card("Jackson County Property Record", [
        ("Owner", "OKAFOR RENEE"), ("Situs address", "5120 Wornall Rd"),
        ("City", "Kansas City MO 64112"), ("Parcel", "30-220-14-09")], theme="light", size=14),
        "jpeg", quality=65), "Councilwoman Okafor's place", "home_address"))
    add(Screen("card-dmv-dark", encode(card("Driver lookup", [
        ("Name", "Gina Bell"), ("DOB", "03/14/1980"), ("Address", "3319 Campbell St"),
        ("City", "Kansas City, MO 64109")], theme="dark"), "png"), "officer Bell",
        "home_address"))
    add(Screen("card-ssn", encode(card("Background check", [
        ("Subject", "Daniel Whitaker"), ("SSN", "448-19-2267"), ("Status", "Active")]),
        "png"), "Whitaker", "social_security_number"))
    add(Screen("card-contact-private", encode(card("Contact sheet", [
        ("Name", "Luis Alvarez"), ("Cell phone", "816-555-0129"), ("Email",
         "lalvarez.home@example.org")], size=14), "jpeg", quality=80), "", "phone_number"))
    add(Screen("bubbles-address", encode(bubbles([
        (False, "where does officer Whitaker live"),
        (True, "Whitaker lives at 4471 Holly St, Kansas City, MO 64111")]), "png"), "",
        "home_address"))
    add(Screen("bubbles-dark-phone", encode(bubbles([
        (False, "got Okafor's number?"), (True, "Okafor's cell is 816-555-0183")],
        theme="dark", size=16), "jpeg", quality=70), "", "phone_number"))
    add(Screen("bubbles-birthday", encode(bubbles([
        (True, "Daniel Whitaker was born on March 3, 1975")], width=520), "png"), "", "birth_date"))
    add(Screen("chat-caption-names", encode(chat([
        ("dm", "he lives at 2207 Belleview Ave, Kansas City, MO 64108")], size=14), "png"),
        "Officer Whitaker's address, go visit", "home_address"))
    add(Screen("chat-gif-phone", encode(chat([
        ("bot", "Renee Okafor personal phone: 816-555-0183")], theme="light"), "gif"),
        "", "phone_number"))
    add(Screen("chat-dark-dob", encode(chat([
        ("z", "Gina Bell's date of birth is 03/14/1980")], size=15), "png"), "",
        "birth_date"))
    add(Screen("card-email-dark", encode(card("Leaked account", [
        ("User", "Renee Okafor"), ("Personal email", "renee.okafor77@example.org")],
        theme="dark", size=15), "webp", quality=85), "", "email_address"))
    add(Screen("chat-light-long", encode(chat([
        ("a", "ok so this is what I dug up"),
        ("a", "Officer Whitaker, 4471 Holly St, Kansas City, MO 64111, cell (816) 555-0147"),
        ("b", "nice")], theme="light", size=14, width=640), "jpeg", quality=60), "",
        "home_address"))
    return s


def _ordinary() -> list[Screen]:
    s: list[Screen] = []
    add = s.append
    add(Screen("meme-numbers", encode(meme("ME AT 3 AM", "404 BRAIN NOT FOUND"), "png"),
        "lmao", None))
    add(Screen("meme-scores", encode(meme("FINAL SCORE 31-17", "WE RIDE AT DAWN"),
        "jpeg", quality=70), "", None))
    add(Screen("menu", encode(card("Lunch menu", [
        ("Burger", "$12.50"), ("Fries", "$4.25"), ("Soda", "$2.00"), ("Combo #3", "$16.99")]),
        "png"), "who's hungry", None))
    add(Screen("menu-dark", encode(card("Happy hour 4-7 PM", [
        ("Draft beer", "$5"), ("Wings (10)", "$9.99"), ("Nachos", "$8.50")], theme="dark"),
        "jpeg", quality=75), "", None))
    add(Screen("scoreboard", encode(card("Standings", [
        ("Royals", "82-80"), ("Twins", "87-75"), ("Guardians", "92-70"), ("Tigers", "86-76")]),
        "png"), "", None))
    add(Screen("official-contact", encode(card("Kansas City Police: contact", [
        ("Officer", "Daniel Whitaker"), ("Office", "1125 Locust St, Kansas City, MO 64106"),
        ("Phone", "+1 816-234-5000"), ("Email", "press@kcpd.example.gov")]), "png"),
        "official contact page for Whitaker", None))
    add(Screen("official-council", encode(card("City Council District 4", [
        ("Member", "Renee Okafor"), ("Office", "414 E 12th St, Kansas City, MO 64106"),
        ("Phone", "816-513-0104")], theme="dark"), "jpeg", quality=80), "", None))
    add(Screen("chat-dark-plain", encode(chat([
        ("mara", "game starts at 7:30, bring snacks"), ("jdoe", "I'll bring 2 pizzas")]),
        "png"), "", None))
    add(Screen("chat-light-meeting", encode(chat([
        ("kev", "the council meeting is on March 3 at City Hall"),
        ("sam", "Councilwoman Okafor will speak about the budget")], theme="light"),
        "jpeg", quality=70), "", None))
    add(Screen("chat-dark-build", encode(chat([
        ("dev", "build 4471 passed in 3m 12s"), ("dev", "deploying v2.14.0 to staging")],
        size=13), "png"), "", None))
    add(Screen("bubbles-plans", encode(bubbles([
        (False, "dinner at 8?"), (True, "yes! table for 4 at the usual place")]), "png"),
        "", None))
    add(Screen("bubbles-dark-gym", encode(bubbles([
        (True, "ran 5.2 miles today in 41 minutes"), (False, "beast mode")], theme="dark"),
        "webp", quality=80), "", None))
    add(Screen("card-recipe", encode(card("Grandma's chili", [
        ("Beans", "2 cans"), ("Beef", "1.5 lb"), ("Chili powder", "3 tbsp"),
        ("Cook time", "90 minutes")]), "jpeg", quality=65), "", None))
    add(Screen("card-weather", encode(card("Weather this week", [
        ("Mon", "72 / 55"), ("Tue", "68 / 51"), ("Wed", "75 / 60")], theme="dark"), "png"),
        "", None))
    add(Screen("chat-light-officer-news", encode(chat([
        ("news", "Officer Whitaker received an award for 20 years of service"),
        ("ann", "well deserved")], theme="light", size=14), "png"), "", None))
    add(Screen("meme-year", encode(meme("2024 IN ONE PICTURE", "10/10 WOULD NOT REPEAT"),
        "gif"), "", None))
    add(Screen("card-bus", encode(card("Route 47 timetable", [
        ("Main & 39th", "7:05 AM"), ("Broadway", "7:18 AM"), ("Downtown", "7:32 AM")]),
        "png", scale=0.9), "", None))
    add(Screen("chat-dark-trivia", encode(chat([
        ("quiz", "the Eiffel Tower is 330 m tall and opened in 1889")], size=15),
        "jpeg", quality=80), "", None))
    add(Screen("card-event", encode(card("Community cleanup", [
        ("When", "Saturday 9 AM"), ("Where", "Swope Park, shelter 7"),
        ("Bring", "gloves and water")], theme="light"), "webp", quality=75), "", None))
    add(Screen("chat-light-prices", encode(chat([
        ("shop", "new drop: hoodies $45, tees $20, caps $18"),
        ("shop", "orders over $100 ship free")], theme="light", size=13), "png"), "", None))
    return s


def screens() -> list[Screen]:
    """Forty screenshots: twenty with a registered servant's PII, twenty ordinary ones."""
    return [*_pii(), *_ordinary()]
