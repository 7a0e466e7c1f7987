"""Waits until every URL given answers HTTP 200, showing progress; exits 1 after a timeout."""
import sys
import time
import urllib.request

TIMEOUT_SECONDS = 180


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main(urls: list) -> int:
    start = time.monotonic()
    pending = list(urls)
    while pending and time.monotonic() - start < TIMEOUT_SECONDS:
        pending = [url for url in pending if not answers(url)]
        elapsed = time.monotonic() - start
        print(f"\r    waiting for {len(pending)} service(s)... {elapsed:4.0f} s", end="", flush=True)
        if pending:
            time.sleep(1)
    print()
    if pending:
        print("Not ready: " + ", ".join(pending), file=sys.stderr)
        return 1
    print(f"    ready in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
