"""A minimal CalDAV client on http.client: discovery, MKCALENDAR, PUT, REPORT.

Only what the oracle test needs. One keep-alive connection, reopened when the
server closes it (Radicale's built-in server answers HTTP/1.0 style).
"""

from __future__ import annotations

import base64
import http.client
import socket
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
NS = {"D": DAV, "C": CALDAV}


class DavError(Exception):
    """A request failed or answered something the test cannot use."""


@dataclass
class Reply:
    """Status, headers (lower-case names) and body of one answer."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Found:
    """One DAV:response of a multistatus: href and its 200 properties."""

    href: str
    props: dict[str, ET.Element]


class Client:
    """Talks to one server; paths are resolved against its base URL."""

    def __init__(self, base_url: str, user: str | None, password: str | None, timeout: float = 120) -> None:
        self.base = base_url if base_url.endswith("/") else base_url + "/"
        parts = urlsplit(self.base)
        if parts.scheme not in ("http", "https"):
            raise DavError("only http(s) URLs: %s" % base_url)
        self.scheme, self.host, self.port = parts.scheme, parts.hostname or "127.0.0.1", parts.port
        self.timeout = timeout
        self.auth = None
        if user is not None:
            token = base64.b64encode(("%s:%s" % (user, password or "")).encode()).decode()
            self.auth = "Basic " + token
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return cls(self.host, self.port, timeout=self.timeout)

    def path(self, href: str) -> str:
        """An href (absolute or relative) as a path on this server."""
        return urlsplit(urljoin(self.base, href)).path

    def request(self, method: str, href: str, body: bytes | str | None = None, headers: dict[str, str] | None = None) -> Reply:
        """Send one request; retry once on a connection the server had closed."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        hdrs = dict(headers or {})
        if self.auth:
            hdrs["Authorization"] = self.auth
        path = self.path(href)
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = self._connect()
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                payload = resp.read()
                if resp.getheader("connection", "").lower() == "close" or resp.version == 10:
                    self.conn.close()
                    self.conn = None
                return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload)
            except (http.client.RemoteDisconnected, http.client.CannotSendRequest, BrokenPipeError,
                    ConnectionResetError, http.client.BadStatusLine) as err:
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise DavError("%s %s: %s" % (method, path, err)) from err
            except (socket.timeout, OSError) as err:
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                raise DavError("%s %s: %s" % (method, path, err)) from err
        raise DavError("unreachable")

    def close(self) -> None:
        """Close the connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    # ---------------------------------------------------------------- multistatus

    def multistatus(self, method: str, href: str, xml: str, depth: str) -> list[Found]:
        """Send a PROPFIND/REPORT and parse its 207 answer."""
        reply = self.request(method, href, xml, {"Content-Type": "application/xml; charset=utf-8", "Depth": depth})
        if reply.status != 207:
            raise DavError("%s %s: HTTP %d: %s" % (method, self.path(href), reply.status, reply.body[:300].decode("utf-8", "replace")))
        try:
            root = ET.fromstring(reply.body)
        except ET.ParseError as err:
            raise DavError("%s %s: bad XML: %s" % (method, self.path(href), err)) from err
        out: list[Found] = []
        for resp in root.findall("D:response", NS):
            href_el = resp.find("D:href", NS)
            if href_el is None or not href_el.text:
                continue
            props: dict[str, ET.Element] = {}
            for ps in resp.findall("D:propstat", NS):
                status = ps.findtext("D:status", default="", namespaces=NS)
                if " 200 " not in status + " ":
                    continue
                prop = ps.find("D:prop", NS)
                for el in list(prop) if prop is not None else []:
                    props[el.tag] = el
            out.append(Found(unquote(href_el.text.strip()), props))
        return out

    # ---------------------------------------------------------------- discovery and setup

    def _href_prop(self, href: str, ns: str, name: str) -> str | None:
        xml = ('<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" xmlns:C="%s">'
               "<D:prop><%s:%s/></D:prop></D:propfind>") % (CALDAV, "D" if ns == DAV else "C", name)
        for found in self.multistatus("PROPFIND", href, xml, "0"):
            el = found.props.get("{%s}%s" % (ns, name))
            if el is not None:
                inner = el.find("D:href", NS)
                if inner is not None and inner.text:
                    return inner.text.strip()
        return None

    def calendar_home(self) -> str:
        """current-user-principal on the base URL (or /.well-known/caldav), then calendar-home-set."""
        principal = None
        for start in (self.base, "/.well-known/caldav"):
            try:
                principal = self._href_prop(start, DAV, "current-user-principal")
            except DavError:
                principal = None
            if principal:
                break
        if not principal:
            raise DavError("no DAV:current-user-principal on %s" % self.base)
        home = self._href_prop(principal, CALDAV, "calendar-home-set")
        if not home:
            raise DavError("no CALDAV:calendar-home-set on %s" % principal)
        return self.path(home if home.endswith("/") else home + "/")

    def make_calendar(self, href: str) -> None:
        """MKCALENDAR for VEVENT and VTODO."""
        xml = ('<?xml version="1.0" encoding="utf-8"?>'
               '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
               "<D:displayname>oracle test</D:displayname>"
               '<C:supported-calendar-component-set><C:comp name="VEVENT"/><C:comp name="VTODO"/>'
               "</C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>")
        reply = self.request("MKCALENDAR", href, xml, {"Content-Type": "application/xml; charset=utf-8"})
        if reply.status not in (200, 201):
            raise DavError("MKCALENDAR %s: HTTP %d: %s" % (href, reply.status, reply.body[:300].decode("utf-8", "replace")))

    def put(self, href: str, text: str) -> None:
        """PUT a new calendar object (If-None-Match: *)."""
        reply = self.request("PUT", href, text, {"Content-Type": "text/calendar; charset=utf-8", "If-None-Match": "*"})
        if reply.status not in (200, 201, 204):
            raise DavError("PUT %s: HTTP %d: %s" % (href, reply.status, reply.body[:300].decode("utf-8", "replace")))

    def delete(self, href: str) -> int:
        """DELETE; returns the status."""
        return self.request("DELETE", href).status
