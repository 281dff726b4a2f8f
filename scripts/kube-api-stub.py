#!/usr/bin/env python3
"""The discovery part of a Kubernetes API server, and nothing else, for `kubectl create
--dry-run=client` without a cluster.

    kube-api-stub.py        prints its port on 127.0.0.1 (one line), then serves until killed

kubectl maps each object's apiVersion and kind to a resource through the server's discovery
documents (GET /api, /api/v1, /apis, /apis/GROUP/VERSION) even for a client-side dry run, and
fails without a server. This answers them for the kinds deploy/ uses: ConfigMap, Secret and
PersistentVolumeClaim (v1), Job (batch/v1). A manifest with another kind or apiVersion is then
refused by kubectl as it would be by a cluster ("no matches for kind"). Nothing is stored; every
other path is 404. Standard library only.
"""
import http.server
import json
import sys

VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]


def resource(name, kind):
    return {"name": name, "singularName": kind.lower(), "namespaced": True, "kind": kind, "verbs": VERBS}


DOCUMENTS = {
    "/version": {"major": "1", "minor": "29", "gitVersion": "v1.29.0-verify-stub"},
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
        resource("configmaps", "ConfigMap"), resource("secrets", "Secret"),
        resource("persistentvolumeclaims", "PersistentVolumeClaim")]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "batch", "versions": [{"groupVersion": "batch/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "batch/v1", "version": "v1"}}]},
    "/apis/batch/v1": {"kind": "APIResourceList", "groupVersion": "batch/v1", "resources": [resource("jobs", "Job")]},
}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        document = DOCUMENTS.get(self.path.split("?", 1)[0])
        body = json.dumps(document if document is not None else
                          {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404}).encode()
        self.send_response(200 if document is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    sys.exit(0)
