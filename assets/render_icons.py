"""Render the tray icons (PNG per state and size, plus a Windows .ico) from the shapes below.

Run `python assets/render_icons.py` after changing a shape or colour; the app loads the PNGs.
The same images also go into an icon theme folder (`icon-theme/hicolor/<n>x<n>/apps/
pipeline-tray-<state>.png`): StatusNotifierItem hosts are given an icon *name* and that folder,
which works where a host rejects or cannot read an image file's path.
Each state differs by shape as well as colour (play, pause, dots, "!", ring), so the icon
reads without colour vision, and a dark rim keeps it visible on light and dark panels.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent / "icons"
THEME = Path(__file__).resolve().parent / "icon-theme" / "hicolor"
THEME_PREFIX = "pipeline-tray-"  # icon names: pipeline-tray-on, pipeline-tray-off, ...
BIG = 256  # drawn large, then downsampled: smooth edges at 16-64 px
SIZES = (16, 22, 24, 32, 48, 64)
THEME_SIZES = (*SIZES, 128, 256)  # panels on high-DPI screens ask for larger sizes
COLOURS = {
    "on": (46, 158, 68),  # green
    "off": (138, 143, 152),  # grey
    "busy": (47, 111, 208),  # blue
    "error": (217, 48, 37),  # red
    "unknown": (138, 143, 152),
}
RIM = (32, 32, 32, 200)
WHITE = (255, 255, 255, 255)


def disc(draw: ImageDraw.ImageDraw, colour: tuple[int, int, int]) -> None:
    """The filled circle every state but `unknown` sits on."""
    draw.ellipse((8, 8, BIG - 8, BIG - 8), fill=(*colour, 255), outline=RIM, width=10)


def glyph(state: str, draw: ImageDraw.ImageDraw) -> None:
    """The white shape that tells the states apart."""
    c = BIG // 2
    if state == "on":  # play
        draw.polygon([(c - 38, c - 62), (c - 38, c + 62), (c + 68, c)], fill=WHITE)
    elif state == "off":  # pause
        draw.rounded_rectangle((c - 56, c - 60, c - 16, c + 60), radius=8, fill=WHITE)
        draw.rounded_rectangle((c + 16, c - 60, c + 56, c + 60), radius=8, fill=WHITE)
    elif state == "busy":  # three dots: something is on its way
        for dx in (-64, 0, 64):
            draw.ellipse((c + dx - 22, c - 22, c + dx + 22, c + 22), fill=WHITE)
    elif state == "error":  # !
        draw.rounded_rectangle((c - 20, c - 78, c + 20, c + 26), radius=12, fill=WHITE)
        draw.ellipse((c - 22, c + 44, c + 22, c + 88), fill=WHITE)


def render(state: str) -> Image.Image:
    """One state at BIG px."""
    image = Image.new("RGBA", (BIG, BIG), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if state == "unknown":  # a ring and a dot: we do not know yet
        draw.ellipse((8, 8, BIG - 8, BIG - 8), outline=RIM, width=44)
        draw.ellipse((20, 20, BIG - 20, BIG - 20), outline=(*COLOURS[state], 255), width=24)
        draw.ellipse((BIG // 2 - 26, BIG // 2 - 26, BIG // 2 + 26, BIG // 2 + 26), fill=RIM)
    else:
        disc(draw, COLOURS[state])
        glyph(state, draw)
    return image


def main() -> None:
    """Write icons/<state>-<size>.png, icons/<state>.ico and the icon theme folder."""
    HERE.mkdir(parents=True, exist_ok=True)
    for state in COLOURS:
        big = render(state)
        for size in sorted({*SIZES, *THEME_SIZES}):
            image = big if size == BIG else big.resize((size, size), Image.Resampling.LANCZOS)
            if size in SIZES:
                image.save(HERE / f"{state}-{size}.png", optimize=True)
            if size in THEME_SIZES:
                apps = THEME / f"{size}x{size}" / "apps"
                apps.mkdir(parents=True, exist_ok=True)
                image.save(apps / f"{THEME_PREFIX}{state}.png", optimize=True)
        big.save(HERE / f"{state}.ico", sizes=[(s, s) for s in SIZES])
    (THEME / "index.theme").write_text(index_theme())


def index_theme() -> str:
    """hicolor's index for our folders; a host that has the system's hicolor index uses that one."""
    folders = [f"{size}x{size}/apps" for size in THEME_SIZES]
    lines = [
        "[Icon Theme]",
        "Name=Hicolor",
        "Comment=pipeline-tray's tray icons",
        f"Directories={','.join(folders)}",
    ]
    for folder, size in zip(folders, THEME_SIZES, strict=True):
        lines += ["", f"[{folder}]", f"Size={size}", "Context=Applications", "Type=Threshold"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
