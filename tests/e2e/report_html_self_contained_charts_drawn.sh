#!/usr/bin/env bash
# `mlops report --format html` is one self-contained page (no script, no URL fetched, a CSP forbidding it) that headless Chromium opens without console errors, and a screenshot shows the curves of the step series drawn (pixels of the series colours in the chart area).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v chromium >/dev/null || skip "chromium is not installed (Debian: chromium)"
exp_repo repo
cd repo
cat >train.sh <<'SH'
#!/bin/sh
i=0
while [ $i -lt 50 ]; do mlops exp log loss=$(echo "$1 / ($i + 1)" | bc -l) --step $i; i=$((i + 1)); done
SH
command -v bc >/dev/null || skip "bc is not installed"
PATH="$(dirname "$MLOPS"):$PATH"
export PATH
expect_exit 0 mlops exp run -n a -- sh train.sh 1
expect_exit 0 mlops exp run -n b -- sh train.sh 2
expect_exit 0 mlops report a b --format html -o "$TEST_DIR/report.html"
html=$TEST_DIR/report.html
expect_contains "$html" "<svg"
expect_contains "$html" "Content-Security-Policy"
grep -Eqi '<script|<link|https?://[^"]*"|src=' "$html" && fail "the page refers to something outside it"
[ "$(grep -o 'class="series" d="M' "$html" | wc -l)" = 2 ] || fail "expected two drawn series"
# Chromium: no console message, and a screenshot with the curves in it.
cd "$TEST_DIR"
timeout 60 chromium --headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir="$TEST_DIR/chrome" \
  --enable-logging=stderr --v=0 --window-size=900,1400 --screenshot="$TEST_DIR/shot.png" "file://$html" >"$TEST_DIR/chrome.out" 2>&1 ||
  { cat "$TEST_DIR/chrome.out" >&2; fail "chromium failed"; }
grep -E 'CONSOLE|Uncaught|Refused to' "$TEST_DIR/chrome.out" && fail "console messages"
python3 - "$TEST_DIR/shot.png" <<'PY' || fail "no curve pixels in the screenshot"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
    if kind == b"IHDR": w, h, depth, ctype = struct.unpack(">IIBB", body[:10]); assert depth == 8 and ctype in (2, 6), (depth, ctype)
    if kind == b"IDAT": idat += body
bpp = 4 if ctype == 6 else 3
raw = zlib.decompress(idat); stride = w * bpp; prev = bytearray(stride); rows = []; i = 0
for _ in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
# The series colours #1f77b4 (blue) and #d62728 (red), give or take antialiasing.
def near(px, rgb): return all(abs(px[k] - rgb[k]) < 40 for k in range(3))
blue = red = 0
for line in rows:
    for x in range(0, stride, bpp):
        px = line[x:x + 3]
        blue += near(px, (0x1f, 0x77, 0xb4)); red += near(px, (0xd6, 0x27, 0x28))
print("blue", blue, "red", red)
assert blue > 100 and red > 100
PY
