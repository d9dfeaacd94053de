"""gunicorn's settings for this app (`make serve-production` passes `--config` this file;
gunicorn also reads it by itself when started from this folder).

Request limits: gunicorn refuses what exceeds these before the app sees it, with its own small
HTML error page (not JSON; gunicorn has no way to change it):
- request line (method, URL, protocol) over 8190 bytes (gunicorn's maximum): 414 "Request
  Line is too large (N > 8190)". The app answers a JSON 414 to any URL (path and query) over
  `api.errors.MAX_URL_LENGTH` (8000 characters), so every request line gunicorn lets through
  that is too long for the API gets the API's JSON error; only lines over 8190 bytes do not.
- more than 100 header fields: 400 "Too many headers".
- a header field over 8190 bytes: 400 "Request Header Fields Too Large".
"""

limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
