#!/usr/bin/env python3
"""A registry proxy that answers chosen requests with an HTTP error, to capture what clients print.

Usage: fault-registry.py PORT UPSTREAM          (UPSTREAM: host:port of a plain-HTTP registry)

Every request is proxied to UPSTREAM, except that the first component of a repository name
says which fault to inject, and is removed before proxying:

    /v2/<spec>/<repo...>/manifests/<ref>   ->  /v2/<repo...>/manifests/<ref>   (same for blobs/, tags/list)

<spec> is WHERE STATUS [-OPTION ...], lower case:
    WHERE   manifest   HEAD/GET of manifests/<ref>
            blob       HEAD/GET of any blobs/<digest>
            config     blobs of the manifest's config only
            layer      blobs other than the config (the layers)
            any        every request of the repository
    STATUS  the HTTP status to answer, e.g. 500, 502, 503, 504, 429
    OPTION  raN     add "Retry-After: N"
            radate  add "Retry-After: <HTTP-date 120 s from now>"
            empty   an empty body (Content-Length: 0)
            html    an HTML body as nginx sends it, Content-Type text/html
            xN      fail only the first N matching requests, then proxy (flaky)
    Without empty/html the body is a distribution-spec JSON error: 429 TOOMANYREQUESTS (Docker
    Hub's text), 503 UNAVAILABLE, any other UNKNOWN.

Examples: manifest500/team1/app1:v1, manifest503-ra37/team1/app1:v1, blob503-html/team1/app1:v1,
manifest503-x2/team1/app1:v1 (503 twice, then the real manifest), manifest429-ra37/team1/app1:v1.
A repository whose first component is no spec is proxied unchanged.

POST /_fault/reset sets the xN counters back to zero. Each request is logged on stderr:
time, method, path, status answered ("proxy NNN" when proxied).
"""
import email.utils
import http.client
import http.server
import json
import re
import socketserver
import sys
import threading
import time

PORT = int(sys.argv[1])
UPSTREAM = sys.argv[2]

SPEC = re.compile(r"^(manifest|blob|config|layer|any)(\d{3})((?:-[a-z0-9]+)*)$")
PATH = re.compile(r"^/v2/(?P<name>.+?)/(?P<kind>manifests|blobs|tags)/(?P<ref>[^?]+)(?P<query>\?.*)?$")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authenticate", "proxy-authorization"}

DOCKER_HUB_429 = ("You have reached your pull rate limit. You may increase the limit by "
                  "authenticating and upgrading: https://www.docker.com/increase-rate-limit")
REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
           504: "Gateway Timeout", 429: "Too Many Requests"}

counters = {}
config_digests = {}
lock = threading.Lock()


def log(*words):
    print(time.strftime("%H:%M:%S") + ".%03d" % (time.time() * 1000 % 1000), *words,
          file=sys.stderr, flush=True)


def parse_spec(component):
    match = SPEC.match(component)
    if not match:
        return None
    spec = {"where": match.group(1), "status": int(match.group(2)), "retry_after": None,
            "body": "json", "times": None}
    for option in filter(None, match.group(3).split("-")):
        if option == "radate":
            spec["retry_after"] = email.utils.formatdate(time.time() + 120, usegmt=True)
        elif option.startswith("ra") and option[2:].isdigit():
            spec["retry_after"] = option[2:]
        elif option in ("empty", "html"):
            spec["body"] = option
        elif option.startswith("x") and option[1:].isdigit():
            spec["times"] = int(option[1:])
        else:
            return None
    return spec


def error_body(spec):
    status = spec["status"]
    reason = REASONS.get(status, "Error")
    if spec["body"] == "empty":
        return "application/json", b""
    if spec["body"] == "html":
        html = ("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n"
                "<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n" % (status, reason, status, reason))
        return "text/html", html.encode()
    if status == 429:
        code, message = "TOOMANYREQUESTS", DOCKER_HUB_429
    elif status == 503:
        code, message = "UNAVAILABLE", "service unavailable"
    else:
        code, message = "UNKNOWN", reason.lower()
    return "application/json; charset=utf-8", json.dumps({"errors": [{"code": code, "message": message}]}).encode()


def upstream(method, path, headers=None):
    connection = http.client.HTTPConnection(UPSTREAM, timeout=60)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def config_digest(repo, ref):
    """The config digest of repo's manifest ref (cached), to tell config blobs from layers."""
    key = (repo, ref)
    if key not in config_digests:
        accept = ", ".join(["application/vnd.docker.distribution.manifest.v2+json",
                            "application/vnd.oci.image.manifest.v1+json"])
        response, body = upstream("GET", "/v2/%s/manifests/%s" % (repo, ref), {"Accept": accept})
        try:
            config_digests[key] = json.loads(body)["config"]["digest"] if response.status == 200 else None
        except (ValueError, KeyError):
            config_digests[key] = None
    return config_digests[key]


def is_config(repo, digest):
    """Whether digest is the config of any manifest of repo (looked up by tag from the tag list)."""
    response, body = upstream("GET", "/v2/%s/tags/list" % repo)
    if response.status != 200:
        return False
    for tag in json.loads(body).get("tags") or []:
        if config_digest(repo, tag) == digest:
            return True
    return False


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, headers, body, logged):
        self.send_response(status, REASONS.get(status))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        log(self.command, self.path, logged)

    def fault(self):
        """The spec to apply to this request, or None; and the path to proxy to."""
        match = PATH.match(self.path)
        if not match:
            return None, self.path
        first, _, rest = match.group("name").partition("/")
        spec = parse_spec(first) if rest else None
        if spec is None:
            return None, self.path
        kind, ref = match.group("kind"), match.group("ref")
        path = "/v2/%s/%s/%s%s" % (rest, kind, ref, match.group("query") or "")
        where = spec["where"]
        applies = (where == "any"
                   or (where == "manifest" and kind == "manifests")
                   or (where == "blob" and kind == "blobs")
                   or (where in ("config", "layer") and kind == "blobs"
                       and is_config(rest, ref) == (where == "config")))
        if not applies:
            return None, path
        if spec["times"] is not None:
            key = (first, rest, kind)
            with lock:
                counters[key] = counters.get(key, 0) + 1
                if counters[key] > spec["times"]:
                    return None, path
        return spec, path

    def do_GET(self):
        spec, path = self.fault()
        if spec is not None:
            content_type, body = error_body(spec)
            headers = [("Content-Type", content_type), ("Content-Length", str(len(body))),
                       ("Docker-Distribution-API-Version", "registry/2.0")]
            if spec["retry_after"] is not None:
                headers.append(("Retry-After", spec["retry_after"]))
            self.answer(spec["status"], headers, body, "fault %d" % spec["status"])
            return
        # Clients send Accept several times: join the values, or only the last one would count.
        forwarded = {name: ", ".join(self.headers.get_all(name)) for name in set(self.headers.keys())
                     if name.lower() not in HOP_BY_HOP and name.lower() != "host"}
        try:
            response, body = upstream(self.command, path, forwarded)
        except OSError as error:
            self.answer(502, [("Content-Length", "0")], b"", "upstream error %s" % error)
            return
        headers = [(name, value) for name, value in response.getheaders()
                   if name.lower() not in HOP_BY_HOP and name.lower() != "content-length"]
        length = response.getheader("Content-Length") if self.command == "HEAD" else str(len(body))
        if length is not None:
            headers.append(("Content-Length", length))
        self.answer(response.status, headers, body, "proxy %d" % response.status)

    do_HEAD = do_GET

    def do_POST(self):
        if self.path == "/_fault/reset":
            with lock:
                counters.clear()
            self.answer(204, [("Content-Length", "0")], b"", "reset")
            return
        self.answer(405, [("Content-Length", "0")], b"", "refused")

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


Server(("127.0.0.1", PORT), Handler).serve_forever()
