"""Draw Kaltim Desk's icon set: small line icons as SVG (one stroke colour, a 24x24 grid, so they look
like one family at any DPI) and the application icon as PNG + multi-size ICO with Pillow.

Run `uv run python installer/make_icons.py` after changing a drawing; the outputs are committed in
`resources/icons/` so a build never needs this script.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
STROKE = "#1f5f8b"
ACCENT = "#e0a100"

# name -> SVG body on a 24x24 grid (stroke icons, 2 px, round caps).
SHAPES: dict[str, str] = {
    # dashboard: four tiles
    "dashboard": (
        '<rect x="3" y="3" width="8" height="10" rx="1"/><rect x="13" y="3" width="8" height="6" rx="1"/>'
        '<rect x="13" y="11" width="8" height="10" rx="1"/><rect x="3" y="15" width="8" height="6" rx="1"/>'
    ),
    # any other page: a sheet with lines
    "page": (
        '<path d="M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8z"/><path d="M14 3v5h5"/>'
        '<path d="M8.5 13h7M8.5 17h7"/>'
    ),
    # a person: head and shoulders
    "people": '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7"/>',
    # a group: three heads
    "groups": (
        '<circle cx="12" cy="7" r="3"/><circle cx="5" cy="10" r="2.5"/><circle cx="19" cy="10" r="2.5"/>'
        '<path d="M7 20c0-3.3 2.2-6 5-6s5 2.7 5 6"/><path d="M1.5 19c0-2.5 1.5-4.5 3.5-4.5"/>'
        '<path d="M22.5 19c0-2.5-1.5-4.5-3.5-4.5"/>'
    ),
    # aid: a gift box
    "aid": (
        '<rect x="3" y="9" width="18" height="12" rx="1"/><path d="M3 13h18M12 9v12"/>'
        '<path d="M12 9c-2-4-6-4-6-1.5S10 9 12 9c2 0 6 0 6-1.5S14 5 12 9z"/>'
    ),
    # training: a graduation cap
    "training": '<path d="M2 9l10-5 10 5-10 5z"/><path d="M6 11v5c3 2.5 9 2.5 12 0v-5"/><path d="M22 9v6"/>',
    # monitoring: a clipboard with a tick
    "monitoring": (
        '<rect x="5" y="4" width="14" height="18" rx="1.5"/><path d="M9 3h6v3H9z"/>'
        '<path d="M8.5 14l2.5 2.5 4.5-5"/>'
    ),
    # reports: a bar chart
    "reports": '<path d="M3 21h18"/><path d="M6 21v-7M11 21V8M16 21v-4M20 21V5"/>',
    # audit: a magnifier over a line
    "audit": '<circle cx="10" cy="10" r="6"/><path d="M14.5 14.5L21 21"/><path d="M7 10h6"/>',
    # settings: a gear
    "settings": (
        '<circle cx="12" cy="12" r="3.2"/>'
        '<path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1"/>'
        '<circle cx="12" cy="12" r="7"/>'
    ),
    # help: a question mark in a circle
    "help": (
        '<circle cx="12" cy="12" r="10"/><path d="M9.2 9.3a2.9 2.9 0 1 1 4.2 2.6c-.9.5-1.4 1.1-1.4 2.1v.5"/>'
        '<path d="M12 17.6v.1"/>'
    ),
    # about: an "i" in a circle
    "about": '<circle cx="12" cy="12" r="10"/><path d="M12 11v6M12 7.4v.1"/>',
    # office: a government building
    "office": '<path d="M3 21h18M4 10h16M12 3l9 5H3z"/><path d="M6 10v9M10 10v9M14 10v9M18 10v9"/>',
    # print: a printer
    "print": (
        '<path d="M7 9V3h10v6"/><rect x="3" y="9" width="18" height="8" rx="1.5"/><path d="M7 14h10v7H7z"/>'
    ),
    # export: a sheet with an arrow out
    "export": (
        '<path d="M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8z"/><path d="M14 3v5h5"/>'
        '<path d="M9 14h7M13 11l3 3-3 3"/>'
    ),
    # backup: a database cylinder with an arrow
    "backup": (
        '<ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5"/>'
        '<path d="M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>'
    ),
    # refresh: a circular arrow
    "refresh": '<path d="M20 12a8 8 0 1 1-2.3-5.7"/><path d="M20 4v5h-5"/>',
    # quit: a door with an arrow
    "quit": '<path d="M14 4H5v16h9"/><path d="M10 12h11M17 8l4 4-4 4"/>',
}


def svg(body: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" fill="none" '
        f'stroke="{STROKE}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{body}</svg>\n'
    )


def app_icon(size: int) -> Image.Image:
    """A rounded blue square with a gold band and the letters KD: readable from 16 px to 256 px."""
    scale = 4  # draw large, then shrink, for smooth edges
    n = size * scale
    img = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    radius = n // 5
    d.rounded_rectangle((0, 0, n - 1, n - 1), radius=radius, fill=STROKE)
    d.rectangle((0, int(n * 0.74), n - 1, int(n * 0.84)), fill=ACCENT)
    font = ImageFont.truetype(str(ROOT / "resources" / "fonts" / "DejaVuSans-Bold.ttf"), int(n * 0.46))
    text = "KD"
    box = d.textbbox((0, 0), text, font=font)
    w, h = box[2] - box[0], box[3] - box[1]
    d.text(((n - w) / 2 - box[0], n * 0.40 - h / 2 - box[1]), text, font=font, fill="white")
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for name, body in SHAPES.items():
        (ICONS / f"{name}.svg").write_text(svg(body), "utf-8")
    big = app_icon(256)
    big.save(ICONS / "kaltim-desk.png")
    sizes = [16, 20, 24, 32, 40, 48, 64, 128, 256]
    big.save(ICONS / "kaltim-desk.ico", sizes=[(s, s) for s in sizes])
    # NSIS installer/uninstaller icons reuse the same .ico.
    print(f"{len(SHAPES)} ikon SVG dan ikon aplikasi ditulis ke {ICONS}")


if __name__ == "__main__":
    main()
