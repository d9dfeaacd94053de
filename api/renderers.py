"""The API's JSON renderer: DRF's bytes, encoded by orjson."""

from __future__ import annotations

import re

import orjson
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

# Where orjson and the standard library's json write the same value differently: a float
# between 1e-9 and 1e-4 (orjson: 0.00005, 1e-7; json: 5e-05, 1e-07). Output with such a value
# (a number after `:`, `,` or `[`; or a string that merely looks like one) is encoded again by
# json, so that every answer stays DRF's.
_FLOAT_FORMS_THAT_DIFFER = re.compile(
    rb"[:,\[]-?(?:0\.0000[0-9]|[0-9](?:\.[0-9]+)?e-[1-9](?![0-9]))"
)


class JSONRenderer(DRFJSONRenderer):
    """DRF's JSONRenderer (compact, UTF-8, U+2028 and U+2029 escaped; dates, decimals and lazy
    strings through DRF's encoder) with orjson doing the encoding: the same bytes, 5-10x
    faster on a page's JSON. Anything orjson cannot encode the same way (integers beyond 64
    bits, non-string keys, indentation asked for) goes through DRF's own renderer."""

    _options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is not None or self.ensure_ascii or not self.compact or self.strict:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            out = orjson.dumps(data, default=self.encoder_class().default, option=self._options)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        if _FLOAT_FORMS_THAT_DIFFER.search(out):
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF: JSON that is also valid JavaScript.
        return out.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
