# Regenerates pil-resize-golden.json: PIL's own BILINEAR / BICUBIC / LANCZOS resize of a
# deterministic pattern.
# Run with Debian's python3 (Pillow 9.4): /usr/bin/python3 pil-bilinear-golden.py
from PIL import Image
import numpy as np, base64, json

cases = []
for (sw, sh, dw, dh) in [(37, 23, 16, 9), (64, 48, 224, 224), (100, 75, 31, 40), (13, 13, 13, 7), (640, 480, 341, 256)]:
    a = np.zeros((sh, sw, 3), np.uint8)
    for y in range(sh):
        for x in range(sw):
            for c in range(3):
                a[y, x, c] = (x * 7 + y * 13 + c * 29 + (x * y) % 17) % 256
    for name, f in [('BILINEAR', Image.BILINEAR), ('BICUBIC', Image.BICUBIC), ('LANCZOS', Image.LANCZOS)]:
        out = np.asarray(Image.fromarray(a).resize((dw, dh), f))
        cases.append(dict(sw=sw, sh=sh, dw=dw, dh=dh, filter=name, expected=base64.b64encode(out.tobytes()).decode()))
json.dump(cases, open('pil-resize-golden.json', 'w'))
