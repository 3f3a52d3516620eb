"""Take the README's screenshots of the web: python docs/screenshots.py (needs /usr/bin/chromium).

Makes a fresh demo database in a temporary folder, serves it with ``plp serve`` on a
free loopback port with the story's clock (PLP_WEB_TODAY=2017-10-20), signs in as
Ingrid Aasen (password "demo") and saves PNGs into docs/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

DOCS = Path(__file__).resolve().parent
PLP = str(Path(sys.executable).parent / "plp")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.db")
        subprocess.run([PLP, "--db", db, "demo"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        env = dict(os.environ, PLP_WEB_TODAY="2017-10-20")
        server = subprocess.Popen([PLP, "--db", db, "serve", "--port", str(port)], env=env, cwd=tmp)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                page.goto(base + "/login?lang=en")
                page.get_by_label("E-mail").first.fill("ingrid.aasen@kristiansand.example")
                page.get_by_label("Password").fill("demo")
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(base + "/")
                shots = [("/?lang=en", "web-my-work.png"), ("/projects/areal?lang=en", "web-project.png"),
                         ("/projects/areal/decide?lang=en", "web-decide.png"), ("/projects?lang=en", "web-portfolio.png")]
                for path, name in shots:
                    page.goto(base + path)
                    page.screenshot(path=str(DOCS / name), full_page=True)
                phone = browser.new_page(viewport={"width": 375, "height": 800}, storage_state=page.context.storage_state())
                phone.goto(base + "/projects/areal")
                phone.screenshot(path=str(DOCS / "web-project-375.png"), full_page=True)
                width = phone.evaluate("document.documentElement.scrollWidth")
                print(f"375 px wide page scrolls to {width} px")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
