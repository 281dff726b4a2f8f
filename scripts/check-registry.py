#!/usr/bin/env python3
"""Checks the sandbox's registry-client images against registry-expectations.tsv, the way a
registry client would, at every depth and through every front: a reference for the depths, and a
proof that the planted defects are really there.

  check-registry.py ENV_FILE [--depth manifest|blobs|content]... [--front plain|basic|token|anonymous]...

manifest: GET the manifest and, for an index, every child; blobs: HEAD every config and layer;
content: GET every blob and compare its sha256. Fronts: plain (REGISTRY), basic (BASIC_REGISTRY
with BASIC_USER's credentials), token (TOKEN_REGISTRY with TOKEN_USER's), anonymous
(TOKEN_REGISTRY without credentials: private repositories must be unauthorized). Prints one line
a mismatch and exits 1 if there is any. Standard library only.
"""
import argparse
import base64
import hashlib
import http.client
import json
import re
import sys
import urllib.parse

ACCEPT = ", ".join([
    "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])
INDEXES = ("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json")


class Failure(Exception):
    def __init__(self, status, detail):
        super().__init__(detail)
        self.status = status


class Client:
    def __init__(self, address, user=None, password=None):
        host, _, port = address.rpartition(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)
        self.user, self.password = user, password
        self.authorization = {}  # repository -> Authorization header value
        self.tokens = 0

    def basic(self):
        return "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()

    def send(self, method, path, headers):
        self.connection.request(method, path, headers=headers)
        response = self.connection.getresponse()
        return response, response.read()

    def request(self, method, name, path, accept=None):
        headers = {"Accept": accept} if accept else {}
        for attempt in (1, 2):
            if name in self.authorization:
                headers["Authorization"] = self.authorization[name]
            response, body = self.send(method, path, headers)
            if response.status != 401 or attempt == 2:
                break
            self.authorize(name, response.getheader("WWW-Authenticate", ""))
        if response.status == 401:
            raise Failure("unauthorized", f"{method} {path}: 401")
        return response, body

    def authorize(self, name, challenge):
        scheme, _, rest = challenge.partition(" ")
        params = dict(re.findall(r'(\w+)="([^"]*)"', rest))
        if scheme.lower() == "basic":
            if self.user is None:
                raise Failure("unauthorized", "Basic credentials wanted")
            self.authorization[name] = self.basic()
            return
        realm = urllib.parse.urlsplit(params["realm"])
        query = urllib.parse.urlencode({"service": params.get("service", ""), "scope": params.get("scope", "")})
        token_connection = http.client.HTTPConnection(realm.hostname, realm.port, timeout=60)
        headers = {"Authorization": self.basic()} if self.user is not None else {}
        token_connection.request("GET", f"{realm.path}?{query}", headers=headers)
        response = token_connection.getresponse()
        body = response.read()
        token_connection.close()
        if response.status != 200:
            raise Failure("unauthorized", f"token: {response.status}")
        self.tokens += 1
        self.authorization[name] = "Bearer " + json.loads(body)["token"]


def split(reference):
    if "@" in reference:
        name, digest = reference.split("@")
        return name, digest
    name, _, tag = reference.rpartition(":")
    return name, tag


def check(client, reference, depth):
    """The status of `reference` at `depth`: good, not-found, blob-unknown, digest-mismatch or
    unauthorized; and the digest it resolved to."""
    name, ref = split(reference)
    try:
        response, body = client.request("GET", name, f"/v2/{name}/manifests/{ref}", ACCEPT)
        if response.status == 404:
            return "not-found", None
        if response.status != 200:
            raise Failure("error", f"manifest {response.status}")
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        if ref.startswith("sha256:") and digest != ref:
            return "digest-mismatch", digest
        manifests = [json.loads(body)]
        if manifests[0].get("mediaType") in INDEXES or "manifests" in manifests[0]:
            children = manifests[0]["manifests"]
            manifests = []
            for child in children:
                response, child_body = client.request("GET", name, f"/v2/{name}/manifests/{child['digest']}", ACCEPT)
                if response.status == 404:
                    return "not-found", digest
                if "sha256:" + hashlib.sha256(child_body).hexdigest() != child["digest"]:
                    return "digest-mismatch", digest
                manifests.append(json.loads(child_body))
        if depth == "manifest":
            return "good", digest
        blobs = [blob["digest"] for manifest in manifests for blob in [manifest["config"], *manifest["layers"]]]
        for blob in blobs:
            response, _ = client.request("HEAD", name, f"/v2/{name}/blobs/{blob}")
            if response.status == 404:
                return "blob-unknown", digest
        if depth == "blobs":
            return "good", digest
        for blob in blobs:
            response, data = client.request("GET", name, f"/v2/{name}/blobs/{blob}")
            if response.status == 404:
                return "blob-unknown", digest
            if "sha256:" + hashlib.sha256(data).hexdigest() != blob:
                return "digest-mismatch", digest
        return "good", digest
    except Failure as failure:
        return failure.status, None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("env")
    parser.add_argument("--depth", action="append", choices=("manifest", "blobs", "content"))
    parser.add_argument("--front", action="append", choices=("plain", "basic", "token", "anonymous"))
    args = parser.parse_args()
    env = dict(line.rstrip("\n").split("=", 1) for line in open(args.env) if "=" in line)
    rows = [line.rstrip("\n").split("\t") for line in open(env["REGISTRY_EXPECTED"]) if not line.startswith("#")]
    fronts = {
        "plain": lambda: Client(env["REGISTRY"]),
        "basic": lambda: Client(env["BASIC_REGISTRY"], env["BASIC_USER"], env["BASIC_PASSWORD"]),
        "token": lambda: Client(env["TOKEN_REGISTRY"], env["TOKEN_USER"], env["TOKEN_PASSWORD"]),
        "anonymous": lambda: Client(env["TOKEN_REGISTRY"]),
    }
    column = {"manifest": 2, "blobs": 3, "content": 4}
    failures = checked = 0
    for front in args.front or list(fronts):
        for depth in args.depth or list(column):
            client = fronts[front]()
            for row in rows:
                reference, digest = row[0], row[1]
                want = row[column[depth]]
                if front == "anonymous" and row[6] == "private":
                    want = "unauthorized"
                got, got_digest = check(client, reference, depth)
                checked += 1
                if got != want or (got == "good" and got_digest != digest):
                    failures += 1
                    print(f"{front} {depth} {reference}: expected {want} {digest}, got {got} {got_digest}")
            print(f"{front} {depth}: {len(rows)} images checked, {client.tokens} tokens fetched", file=sys.stderr)
    print(f"{checked} checks, {failures} mismatches", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
