"""Signature images for the demonstration visits: small PNGs of a few smooth pen strokes, drawn and
encoded here without Qt (the layers below the window never import it).

A signature is a 300 × 100 greyscale image, dark ink on white, made of two to four strokes that
wander left to right like a hurried scribble. The encoder writes the minimum PNG: the signature
bytes, an IHDR chunk (8-bit greyscale), one zlib-compressed IDAT chunk and IEND.
"""

from __future__ import annotations

import math
import random
import struct
import zlib

WIDTH, HEIGHT = 300, 100
PEN = 1.6  # half the stroke width, in pixels
INK, PAPER = 20, 255


def png_greyscale(width: int, height: int, pixels: bytearray) -> bytes:
    """An 8-bit greyscale PNG of ``pixels`` (one byte a pixel, rows top to bottom)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(pixels[y * width:(y + 1) * width]) for y in range(height))  # filter 0: none
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # depth 8, greyscale, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def _stroke_points(rng: random.Random, left: float, right: float) -> list[tuple[float, float]]:
    """Points along one stroke: a baseline drifting across [left, right] with loops on it."""
    middle = rng.uniform(0.35, 0.65) * HEIGHT
    slope = rng.uniform(-0.12, 0.12)
    waves = [(rng.uniform(6, 22), rng.uniform(0.04, 0.16), rng.uniform(0, 2 * math.pi)) for _ in range(3)]
    loop = rng.uniform(4, 12)
    points = []
    steps = max(30, int(right - left))
    for index in range(steps + 1):
        t = index / steps
        x = left + (right - left) * t
        y = middle + slope * (x - left) + sum(a * math.sin(f * x + p) for a, f, p in waves) / 2
        x += loop * math.sin(0.35 * x)  # small loops: the pen runs back a little
        points.append((x, y))
    return points


def _stamp() -> tuple[tuple[int, int, int], ...]:
    """The pen's dab as (dx, dy, shade) around the pixel it is centred on, soft at the edge."""
    reach = int(PEN) + 1
    found = []
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            distance = math.hypot(dx, dy)
            if distance <= PEN + 0.5:
                found.append((dx, dy, INK if distance <= PEN - 0.5 else (INK + PAPER) // 2))
    return tuple(found)


STAMP = _stamp()


def _ink(pixels: bytearray, x: float, y: float) -> None:
    """A round dab of ink centred on (x, y)."""
    cx, cy = int(x), int(y)
    for dx, dy, shade in STAMP:
        px, py = cx + dx, cy + dy
        if 0 <= px < WIDTH and 0 <= py < HEIGHT:
            index = py * WIDTH + px
            if pixels[index] > shade:
                pixels[index] = shade


def signature_png(rng: random.Random) -> bytes:
    """One invented signature as PNG bytes."""
    pixels = bytearray([PAPER]) * (WIDTH * HEIGHT)
    count = rng.randint(2, 4)
    edges = sorted(rng.uniform(20, WIDTH - 20) for _ in range(count - 1))
    bounds = [15.0, *edges, WIDTH - 15.0]
    for index in range(count):
        left, right = bounds[index] + rng.uniform(-8, 4), bounds[index + 1] + rng.uniform(-4, 10)
        left, right = max(8.0, left), min(WIDTH - 8.0, right)
        points = _stroke_points(rng, left, max(right, left + 25))
        previous = None
        for x, y in points:
            if previous is not None:  # fill gaps so fast strokes stay joined
                gap = int(math.hypot(x - previous[0], y - previous[1]) / PEN) + 1
                for step in range(1, gap):
                    _ink(pixels, previous[0] + (x - previous[0]) * step / gap, previous[1] + (y - previous[1]) * step / gap)
            _ink(pixels, x, y)
            previous = (x, y)
    if rng.random() < 0.5:  # an underline flourish
        y0 = rng.uniform(0.75, 0.9) * HEIGHT
        for x in range(int(rng.uniform(20, 80)), int(rng.uniform(180, 280)), 1):
            _ink(pixels, x, y0 + 3 * math.sin(x / 40))
    return png_greyscale(WIDTH, HEIGHT, pixels)


def signature_pool(rng: random.Random, count: int) -> list[bytes]:
    """``count`` different signatures."""
    return [signature_png(rng) for _ in range(count)]
