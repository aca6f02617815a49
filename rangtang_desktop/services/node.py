"""This computer's node: its id, role, unit and key fingerprints (the ``node`` command and the
settings page)."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.msg import N_
from ..exchange.keys import fingerprint
from ..i18n.formatting import display_name
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


def computer_names(ws: Workspace) -> dict[str, str]:
    """What each known computer is called: its display name, else its village or township, else the
    start of its node id."""
    names = {}
    for row in ws.db.execute(
        """SELECT n.node_id, n.display_name, u.name_zh, u.name_bo FROM node n
           LEFT JOIN admin_unit u ON u.code = n.unit_code"""
    ):
        node_id, display, name_zh, name_bo = row
        names[node_id] = display or display_name(name_zh or "", name_bo or "") or node_id[:8]
    return names
