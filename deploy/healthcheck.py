"""Container health probe: exit 0 when Lowcraft answers /api/v1/health with 2xx, 1 otherwise.

Written with the standard library only, so the image needs no curl or wget.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

HEALTH_PATH = "/api/v1/health"
TIMEOUT_SECONDS = 4.0

# Addresses that mean "all interfaces": the probe must dial loopback instead.
_WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}


def health_url(environ: dict[str, str]) -> str:
    """The URL the server answers on inside this container, derived from LOWCRAFT_HOST/PORT."""
    host = environ.get("LOWCRAFT_HOST", "").strip()
    if host in _WILDCARD_HOSTS:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    port = environ.get("LOWCRAFT_PORT", "").strip() or "8080"
    return f"http://{host}:{port}{HEALTH_PATH}"


def probe(url: str, timeout: float = TIMEOUT_SECONDS) -> tuple[bool, str]:
    """Whether the server is healthy, and a one-line reason for the container log."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300, f"{url}: HTTP {response.status}"
    except urllib.error.HTTPError as error:
        return False, f"{url}: HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return False, f"{url}: {error}"


def main() -> int:
    healthy, reason = probe(health_url(dict(os.environ)))
    print(reason, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
