"""This computer's node: its id, role, unit and key fingerprints (the ``node`` command and the
settings page)."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.msg import N_
from ..exchange.keys import fingerprint
from ..storage import nodes
from .workspace import Workspace


@dataclass(frozen=True)
class NodeInfo:
    node_id: str
    role: str
    unit_code: str
    signing_fingerprint: str
    encryption_fingerprint: str

    def as_json(self) -> dict:
        return {
            "node_id": self.node_id,
            "role": self.role,
            "unit_code": self.unit_code,
            "signing_fingerprint": self.signing_fingerprint,
            "encryption_fingerprint": self.encryption_fingerprint,
        }

    def lines(self) -> list[tuple[str, str]]:
        return [
            (N_("Node"), self.node_id),
            (N_("Role"), self.role),
            (N_("Unit code"), self.unit_code),
            (N_("Signing key fingerprint"), self.signing_fingerprint),
            (N_("Encryption key fingerprint"), self.encryption_fingerprint),
        ]


def node_info(ws: Workspace) -> NodeInfo:
    node = nodes.self_node(ws.db)
    assert node is not None, "open_workspace creates the node"
    return NodeInfo(
        node.node_id, node.role, node.unit_code, fingerprint(node.signing_public), fingerprint(node.encryption_public)
    )
