"""Prints the API's OpenAPI schema as JSON; the frontend's typed client is generated from it."""

from __future__ import annotations

import json
import sys

from .app import create_app
from .settings import Settings


def main() -> None:
    app = create_app(Settings(open_browser=False))
    json.dump(app.openapi(), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
