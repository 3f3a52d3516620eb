"""The floor for the web measures: a minimal FastAPI hello-world.

``bench.web`` serves it with uvicorn exactly as ``plp serve`` serves plp (same
host, worker count, log level, no proxy headers, no server header), so a page's
throughput and latency can be given as a ratio to what the framework and the
server manage when the handler does nothing.
"""

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/")
def hello() -> HTMLResponse:
    return HTMLResponse("<!doctype html><title>hello</title><p>hello, world</p>")
