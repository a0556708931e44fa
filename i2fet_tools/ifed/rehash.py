"""Record the SHA-256 content hash in IFED checkpoints written before checkpoints carried one.

    python -m i2fet_tools.ifed.rehash ml_backend/checkpoints/ifed_minilm.safetensors

The weights are not retrained or changed (the tensor bytes stay identical); only the metadata gains
``sha256``. Use it only on files you trust: the hash then vouches for their current content.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ml_backend.errors import I2FETError
from ml_backend.ifed.checkpoint import add_content_hash, verify_checkpoint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m i2fet_tools.ifed.rehash", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoints", nargs="+", help="IFED .safetensors checkpoints")
    args = parser.parse_args(argv)
    try:
        for name in args.checkpoints:
            digest = add_content_hash(Path(name))
            verify_checkpoint(Path(name))
            print(f"{name}: sha256 {digest}")
    except I2FETError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
