"""A live server for browser tests whose requests run one at a time.

Django shares the test's own database connection with a live server's request threads when
the test database is in-memory SQLite (the only way those threads can see the test's data).
One connection used by two threads at once breaks: the admin's autosave, the preview panel's
POST and the editing-session ping arrive together, one of them fails with "table is locked"
and the connection's transaction is then unusable for the rest of the test. A browser
queues its requests behind a lock just as well, so the application runs under one.
"""

from __future__ import annotations

import threading


class SerialApplication:
    def __init__(self, application) -> None:
        self.application = application
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            # The body is read and the response closed (request_finished, which tidies the
            # connection) inside the lock too: a response may query while it streams.
            response = self.application(environ, start_response)
            try:
                return list(response)
            finally:
                if hasattr(response, "close"):
                    response.close()


def serial_live_server(host: str = "localhost"):
    """pytest-django's LiveServer, started, with its WSGI application behind a lock."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(host)
    httpd = server.thread.httpd
    httpd.set_app(SerialApplication(httpd.get_app()))
    return server
