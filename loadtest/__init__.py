"""The load test: simulated people on one app server over its own websocket protocol (`make load`, issue 29)."""
