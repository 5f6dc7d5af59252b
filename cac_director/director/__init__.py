"""The Director API client: HTTP with retries, orders, name <-> id resolution and model <-> wire mapping.

See docs/director-client.md for how it behaves (retries, orders, timeouts, token refresh).
"""

from __future__ import annotations

from cac_director.director import mapping, runtime
from cac_director.director.client import DirectorClient
from cac_director.director.resolver import NodeResolver
from cac_director.director.runtime import node_client
from cac_director.director.settings import ClientSettings, Secret

__all__ = ["ClientSettings", "DirectorClient", "NodeResolver", "Secret", "mapping", "node_client", "runtime"]
