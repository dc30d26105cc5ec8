# pyvi and underthesea side of `giaoban-bench text` (run by the binary with /opt/peers-venv's
# python). Reads the text file, loads both models, prints one JSON line {"bytes", "lines", ...};
# then for each command on stdin (`pyvi`, `underthesea`, `quit`) segments every non-empty line
# into words and prints "<seconds> <words>".
import json, sys, time
from pyvi import ViTokenizer
import pyvi
from underthesea import word_tokenize
import underthesea

raw = open(sys.argv[1], "rb").read()
lines = [l for l in raw.decode("utf-8").split("\n") if l.strip()]
ViTokenizer.tokenize(lines[0]); word_tokenize(lines[0])  # model load, warm-up
SEGMENT = {
    "pyvi": ViTokenizer.tokenize,
    "underthesea": lambda s: word_tokenize(s, format="text"),
}
print(json.dumps({"bytes": len(raw), "lines": len(lines),
                  "pyvi": getattr(pyvi, "__version__", "0.1.1"),
                  "underthesea": getattr(underthesea, "__version__", "?")}), flush=True)
for cmd in sys.stdin:
    cmd = cmd.strip()
    if cmd not in SEGMENT:
        break
    f = SEGMENT[cmd]
    t = time.perf_counter()
    words = 0
    for l in lines:
        words += len(f(l).split())
    print(f"{time.perf_counter() - t:.6f} {words}", flush=True)
