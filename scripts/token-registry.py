#!/usr/bin/env python3
"""A Bearer-token front for a registry: a token server and a proxy in one process.

  token-registry.py --port PORT --upstream HOST:PORT --user USER --password PASSWORD
                    [--lifetime SECONDS] [--service NAME] [--private PREFIX]... [--host 127.0.0.1]
                    [--quota 'N;w=SECONDS']

--port 0 takes a free port and prints it on standard output (one line), for a test's own front.

/token (the realm) issues random opaque tokens that last --lifetime seconds (default 30):
  GET  /token?service=S&scope=repository:NAME:pull[&scope=...][&offline_token=true]
       anonymous, or with Basic credentials (wrong ones: 401). Answers {"token", "access_token",
       "expires_in", "issued_at"}, and a "refresh_token" with offline_token=true and credentials.
  POST /token (application/x-www-form-urlencoded, OAuth2):
       grant_type=password&username=U&password=P&service=S&scope=A B&client_id=C[&access_type=offline]
       grant_type=refresh_token&refresh_token=R&service=S&scope=A B&client_id=C
       Answers {"access_token", "token", "scope", "expires_in", "issued_at"} and, for a password
       grant with access_type=offline, a "refresh_token" (refresh tokens do not expire). Wrong
       credentials or an unknown refresh token: 400 {"error": "invalid_grant"}.
  A token carries only what may be granted: pull (never push) on a public repository for anyone,
  on a private one (a name starting with a --private prefix, default private/) only with
  credentials; registry:catalog:* only with credentials. Asking for more is not an error: the
  token simply lacks it (as Docker Hub does), and the proxy then answers insufficient_scope.

/v2/... is proxied to --upstream, GET and HEAD only (others: 405), streaming bodies and passing
every end-to-end header (Content-Length, Docker-Content-Digest, Content-Type, Location, ...) both
ways, except Authorization. Without a usable token it answers 401 with
  WWW-Authenticate: Bearer realm="http://HOST:PORT/token",service="S",scope="repository:NAME:pull"
(no scope for /v2/ itself, registry:catalog:* for /v2/_catalog), with error="invalid_token" when
the token is unknown or expired, and error="insufficient_scope" when it lacks the scope.

--quota sets a pull quota as Docker Hub's: every manifest GET through the front counts (HEAD does
not), at most N in any SECONDS (a sliding window); one past it is answered 429 TOOMANYREQUESTS.
Every manifest answer then carries RateLimit-Limit: N;w=SECONDS and RateLimit-Remaining: R;w=SECONDS.

GET /stats answers counters as JSON (tokens issued by grant, refresh tokens, refused token
requests, rejections by reason, proxied requests by kind and by repository); they only grow, so a
test compares two readings. GET /config shows the lifetime; POST /config?expires_in=N sets it for
tokens issued from then on.

Threaded, HTTP/1.1 keep-alive (one keep-alive upstream connection a thread). Standard library only.
"""
import argparse
import base64
import binascii
import collections
import http.client
import http.server
import json
import re
import secrets
import socketserver
import sys
import threading
import time
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "trailers", "transfer-encoding", "upgrade"}
CHUNK = 256 * 1024


class State:
    def __init__(self, args):
        self.args = args
        self.lifetime = args.lifetime
        self.lock = threading.Lock()
        self.tokens = {}  # token -> (expiry on the monotonic clock, granted scopes as a frozenset)
        self.refresh_tokens = {}  # refresh token -> user
        self.counters = collections.Counter()
        self.by_repository = collections.defaultdict(collections.Counter)
        self.quota = parse_quota(args.quota) if args.quota else None  # (N, window seconds)
        self.pulls = collections.deque()  # monotonic times of the manifest GETs in the window

    def pull(self, counted):
        """(allowed, remaining) for a manifest request; a counted one (GET) takes one of the quota."""
        limit, window = self.quota
        with self.lock:
            now = time.monotonic()
            while self.pulls and self.pulls[0] <= now - window:
                self.pulls.popleft()
            if counted and len(self.pulls) >= limit:
                self.counters["quota_refused"] += 1
                return False, 0
            if counted:
                self.pulls.append(now)
            return True, limit - len(self.pulls)

    def count(self, key, repository=None):
        with self.lock:
            self.counters[key] += 1
            if repository is not None:
                self.by_repository[repository][key] += 1

    def is_private(self, name):
        return any(name.startswith(prefix) for prefix in self.args.private)

    def grant(self, scopes, user):
        """The subset of `scopes` ("type:name:actions" strings) that `user` (None: anonymous) gets."""
        granted = set()
        for scope in scopes:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            actions = set(actions.split(","))
            if kind == "repository" and "pull" in actions and (user is not None or not self.is_private(name)):
                granted.add(f"repository:{name}:pull")
            elif kind == "registry" and name == "catalog" and user is not None and actions & {"*", "pull"}:
                granted.add("registry:catalog:*")
        return frozenset(granted)

    def issue(self, scopes, user, how):
        token = secrets.token_urlsafe(32)
        granted = self.grant(scopes, user)
        lifetime = self.lifetime
        with self.lock:
            now = time.monotonic()
            for old in [t for t, (expiry, _) in self.tokens.items() if expiry < now - 3600]:
                del self.tokens[old]
            self.tokens[token] = (now + lifetime, granted)
            self.counters["tokens_issued"] += 1
            self.counters["tokens_issued_" + how] += 1
        return token, granted, lifetime

    def refresh_token(self, user):
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.refresh_tokens[token] = user
            self.counters["refresh_tokens_issued"] += 1
        return token

    def check(self, token, scope):
        """None when `token` allows `scope` (None: any valid token), else the rejection's reason."""
        with self.lock:
            entry = self.tokens.get(token)
        if entry is None:
            return "unknown_token"
        if entry[0] <= time.monotonic():
            return "expired_token"
        if scope is not None and scope not in entry[1]:
            return "insufficient_scope"
        return None

    def stats(self):
        with self.lock:
            counters = dict(self.counters)
            by_repository = {name: {key[len("proxied_"):]: value for key, value in counts.items()}
                             for name, counts in self.by_repository.items()}
            live = sum(1 for expiry, _ in self.tokens.values() if expiry > time.monotonic())
        issued = {how: counters.get("tokens_issued_" + how, 0) for how in ("anonymous", "basic", "password", "refresh_token")}
        rejected = {why: counters.get("rejected_" + why, 0)
                    for why in ("missing_token", "unknown_token", "expired_token", "insufficient_scope")}
        proxied = {key[len("proxied_"):]: value for key, value in counters.items() if key.startswith("proxied_")}
        return {
            "tokens_issued": counters.get("tokens_issued", 0), "tokens_issued_by_grant": issued,
            "refresh_tokens_issued": counters.get("refresh_tokens_issued", 0),
            "token_requests_refused": counters.get("token_requests_refused", 0),
            "rejected": sum(rejected.values()), "rejected_by_reason": rejected,
            "proxied": sum(proxied.values()), "proxied_by_kind": proxied, "proxied_by_repository": by_repository,
            "upstream_errors": counters.get("upstream_errors", 0),
            "quota_refused": counters.get("quota_refused", 0),
            "live_tokens": live, "lifetime": self.lifetime,
        }


def parse_quota(text):
    """'100;w=21600' -> (100, 21600.0)."""
    count, _, window = text.partition(";w=")
    return int(count), int(window)


def classify(path):
    """(kind, repository, scope needed) of a /v2/ path."""
    if path in ("/v2", "/v2/"):
        return "ping", None, None
    if path == "/v2/_catalog":
        return "catalog", None, "registry:catalog:*"
    match = re.match(r"^/v2/(.+)/(manifests|blobs|tags)/(.*)$", path)
    if match:
        name, what, rest = match.groups()
        kind = {"manifests": "manifest", "blobs": "blob", "tags": "tags"}[what]
        if what == "blobs" and rest.startswith("uploads"):
            kind = "upload"
        return kind, name, f"repository:{name}:pull"
    return "other", None, None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None  # set by main
    local = threading.local()

    # --- plumbing -------------------------------------------------------------------------------

    def reply(self, status, body=b"", content_type="application/json", headers=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def basic_credentials(self):
        """(user, password) from an Authorization: Basic header, None without one, False when
        it cannot be read."""
        header = self.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            return None
        try:
            user, sep, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return (user, password) if sep else False

    def authenticate(self, user, password):
        args = self.state.args
        return secrets.compare_digest(user.encode(), args.user.encode()) and \
            secrets.compare_digest(password.encode(), args.password.encode())

    def realm(self):
        return f"http://{self.state.args.host}:{self.state.args.port}/token"

    def log_message(self, fmt, *args):
        if self.state.args.verbose:
            super().log_message(fmt, *args)

    def note(self, text):
        sys.stderr.write(f"{time.strftime('%H:%M:%S')} {text}\n")
        sys.stderr.flush()

    # --- routes ---------------------------------------------------------------------------------

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/token":
            return self.token_get(url)
        if url.path == "/stats":
            return self.reply(200, self.state.stats())
        if url.path == "/config":
            return self.reply(200, {"expires_in": self.state.lifetime})
        if url.path == "/v2" or url.path.startswith("/v2/"):
            return self.proxy(url)
        self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "not found"}]})

    def do_HEAD(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/v2" or url.path.startswith("/v2/"):
            return self.proxy(url)
        self.reply(405, {"errors": [{"code": "UNSUPPORTED", "message": "method not allowed"}]})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/token":
            return self.token_post()
        if url.path == "/config":
            form = urllib.parse.parse_qs(url.query)
            form.update(urllib.parse.parse_qs(self.read_body().decode("utf-8", "replace")))
            try:
                lifetime = float(form["expires_in"][0])
                assert lifetime > 0
            except (KeyError, ValueError, AssertionError):
                return self.reply(400, {"error": "expires_in must be a positive number of seconds"})
            self.state.lifetime = int(lifetime) if lifetime == int(lifetime) else lifetime
            self.note(f"token lifetime set to {self.state.lifetime} s")
            return self.reply(200, {"expires_in": self.state.lifetime})
        self.read_body()
        self.refuse_method()

    def refuse_method(self):
        self.reply(405, {"errors": [{"code": "UNSUPPORTED", "message": "this front is read-only"}]})

    do_PUT = do_DELETE = do_PATCH = lambda self: (self.read_body(), self.refuse_method())

    # --- the token server -----------------------------------------------------------------------

    def service_ok(self, service):
        if service is None or service == self.state.args.service:
            return True
        self.state.count("token_requests_refused")
        self.reply(400, {"error": "invalid_request", "error_description": f"unknown service {service!r}"})
        return False

    def token_get(self, url):
        query = urllib.parse.parse_qs(url.query)
        if not self.service_ok(query.get("service", [None])[0]):
            return
        credentials = self.basic_credentials()
        user = None
        if credentials is not None:
            if credentials is False or not self.authenticate(*credentials):
                self.state.count("token_requests_refused")
                self.note("GET /token: wrong credentials")
                return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "incorrect username or password"}],
                                        "details": "incorrect username or password"},
                                  headers=[("WWW-Authenticate", f'Basic realm="{self.state.args.service}"')])
            user = credentials[0]
        scopes = [scope for value in query.get("scope", []) for scope in value.split(" ") if scope]
        token, granted, lifetime = self.state.issue(scopes, user, "basic" if user else "anonymous")
        body = {"token": token, "access_token": token, "expires_in": lifetime,
                "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        if user and query.get("offline_token", ["false"])[0].lower() == "true":
            body["refresh_token"] = self.state.refresh_token(user)
        self.note(f"GET /token {'user ' + user if user else 'anonymous'}: asked {scopes}, granted {sorted(granted)}")
        self.reply(200, body)

    def token_post(self):
        form = {key: values[0] for key, values in
                urllib.parse.parse_qs(self.read_body().decode("utf-8", "replace"), keep_blank_values=True).items()}
        if not self.service_ok(form.get("service")):
            return
        grant_type = form.get("grant_type")
        refresh = None
        if grant_type == "password":
            user, password = form.get("username", ""), form.get("password", "")
            if not self.authenticate(user, password):
                self.state.count("token_requests_refused")
                self.note("POST /token password: wrong credentials")
                return self.reply(400, {"error": "invalid_grant", "error_description": "incorrect username or password"})
            if form.get("access_type") == "offline":
                refresh = self.state.refresh_token(user)
        elif grant_type == "refresh_token":
            with self.state.lock:
                user = self.state.refresh_tokens.get(form.get("refresh_token", ""))
            if user is None:
                self.state.count("token_requests_refused")
                self.note("POST /token refresh_token: unknown refresh token")
                return self.reply(400, {"error": "invalid_grant", "error_description": "unknown refresh token"})
            refresh = form["refresh_token"]
        else:
            self.state.count("token_requests_refused")
            return self.reply(400, {"error": "unsupported_grant_type"})
        scopes = form.get("scope", "").split()
        token, granted, lifetime = self.state.issue(scopes, user, grant_type)
        body = {"access_token": token, "token": token, "scope": " ".join(sorted(granted)), "expires_in": lifetime,
                "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        if refresh:
            body["refresh_token"] = refresh
        self.note(f"POST /token {grant_type} user {user}: asked {scopes}, granted {sorted(granted)}")
        self.reply(200, body)

    # --- the proxy ------------------------------------------------------------------------------

    def reject(self, reason, scope, name):
        self.state.count("rejected_" + reason)
        challenge = f'Bearer realm="{self.realm()}",service="{self.state.args.service}"'
        if scope:
            challenge += f',scope="{scope}"'
        if reason in ("unknown_token", "expired_token"):
            challenge += ',error="invalid_token"'
        elif reason == "insufficient_scope":
            challenge += ',error="insufficient_scope"'
        detail = [{"Type": "repository", "Class": "", "Name": name, "Action": "pull"}] if name else None
        message = {"missing_token": "authentication required", "unknown_token": "invalid token",
                   "expired_token": "token expired", "insufficient_scope": "insufficient scope"}[reason]
        self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": message, "detail": detail}]},
                   headers=[("WWW-Authenticate", challenge), ("Docker-Distribution-API-Version", "registry/2.0")])

    def proxy(self, url):
        kind, name, scope = classify(url.path)
        header = self.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else None
        if not token:
            return self.reject("missing_token", scope, name)
        reason = self.state.check(token, scope)
        if reason:
            return self.reject(reason, scope, name)
        quota_headers = []
        if self.state.quota and kind == "manifest":
            allowed, remaining = self.state.pull(counted=self.command == "GET")
            limit, window = self.state.quota
            quota_headers = [("RateLimit-Limit", f"{limit};w={window}"), ("RateLimit-Remaining", f"{remaining};w={window}")]
            if not allowed:
                message = f"You have reached your pull rate limit: {limit} pulls in {window} s"
                return self.reply(429, {"errors": [{"code": "TOOMANYREQUESTS", "message": message}]}, headers=quota_headers)
        key = f"proxied_{kind}_{self.command.lower()}"
        self.state.count(key, name)
        self.forward(quota_headers)

    def upstream(self):
        connection = getattr(self.local, "connection", None)
        if connection is None:
            host, _, port = self.state.args.upstream.rpartition(":")
            connection = self.local.connection = http.client.HTTPConnection(host, int(port), timeout=300)
        return connection

    def drop_upstream(self):
        connection = getattr(self.local, "connection", None)
        if connection is not None:
            connection.close()
        self.local.connection = None

    def forward(self, extra_headers=()):
        headers = {}
        for name in self.headers.keys():
            lower = name.lower()
            if lower in HOP_BY_HOP or lower in ("host", "authorization", "content-length") or lower in headers:
                continue
            headers[lower] = ", ".join(self.headers.get_all(name))
        for attempt in (1, 2):
            try:
                connection = self.upstream()
                connection.request(self.command, self.path, headers=headers)
                response = connection.getresponse()
                break
            except (http.client.HTTPException, OSError) as error:
                self.drop_upstream()
                if attempt == 2:
                    self.state.count("upstream_errors")
                    self.note(f"{self.command} {self.path}: upstream failed: {error}")
                    return self.reply(502, {"errors": [{"code": "UNAVAILABLE", "message": f"upstream: {error}"}]})
        try:
            self.send_response(response.status, response.reason)
            for name, value in extra_headers:
                self.send_header(name, value)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP and name.lower() not in ("content-length", "date", "server"):
                    self.send_header(name, value)
            length = response.getheader("Content-Length")
            bodiless = self.command == "HEAD" or response.status in (204, 304) or 100 <= response.status < 200
            if length is not None:
                self.send_header("Content-Length", length)
            elif not bodiless:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if bodiless:
                response.read()
                return
            while True:
                chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
                if not chunk:
                    break
                if length is not None:
                    self.wfile.write(chunk)
                else:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            if length is None:
                self.wfile.write(b"0\r\n\r\n")
        except (OSError, http.client.HTTPException):
            # The client went away (or the upstream did) in the middle: neither connection can be
            # used again.
            self.drop_upstream()
            self.close_connection = True


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--upstream", required=True, help="HOST:PORT of the registry behind")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--lifetime", type=float, default=30, help="seconds a token lasts (expires_in)")
    parser.add_argument("--service", default="verify-sandbox")
    parser.add_argument("--private", action="append", help="a prefix of private repository names (default private/)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    parser.add_argument("--quota", help="a pull quota, 'N;w=SECONDS', on manifest GETs (as Docker Hub's)")
    args = parser.parse_args()
    args.private = args.private or ["private/"]
    if args.lifetime == int(args.lifetime):
        args.lifetime = int(args.lifetime)
    Handler.state = State(args)
    server = Server((args.host, args.port), Handler)
    if args.port == 0:
        args.port = server.server_address[1]
        print(args.port, flush=True)
    sys.stderr.write(f"token front on {args.host}:{args.port} for {args.upstream}, tokens last {args.lifetime} s\n")
    sys.stderr.flush()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
