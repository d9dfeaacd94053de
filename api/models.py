"""The API app keeps no models of its own; the response cache's are in `api.cache`."""
