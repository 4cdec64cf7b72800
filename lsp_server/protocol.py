"""JSON-RPC as the LSP specification asks, where pygls leaves a request unanswered.

- A request before `initialize`: error -32002 (ServerNotInitialized); notifications are dropped.
- A request whose params do not fit its type: error -32602 (InvalidParams), not silence.
- A request after `shutdown`: error -32600 (InvalidRequest), not silence.
- No Python traceback travels to the client: errors carry one line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol

log = logging.getLogger("apicall")

SERVER_NOT_INITIALIZED = -32002
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602


@dataclass
class UnreadableRequest:
    """A request whose params could not be read as its method's type."""

    id: int | str
    method: str
    reason: str
    jsonrpc: str = "2.0"


class ApicallProtocol(LanguageServerProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initialize_received = False

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and isinstance(data.get("method"), str):
                return UnreadableRequest(data["id"], data["method"], exc.message)
            raise

    def handle_message(self, message: Any) -> None:
        method = getattr(message, "method", None)
        is_request = method is not None and getattr(message, "id", None) is not None
        if isinstance(message, UnreadableRequest):
            self._refuse(message.id, INVALID_PARAMS, f"invalid params for {message.method}")
            return
        if method == types.INITIALIZE:
            self.initialize_received = True
        elif not self.initialize_received and method != types.EXIT:
            if is_request:
                self._refuse(message.id, SERVER_NOT_INITIALIZED, "server not initialized")
            return
        if self._shutdown and is_request:
            self._refuse(message.id, INVALID_REQUEST, "the server is shutting down")
            return
        super().handle_message(message)

    def _refuse(self, msg_id: int | str, code: int, message: str) -> None:
        log.warning("request %s refused: %s", msg_id, message)
        self._send_response(msg_id, None, types.ResponseError(code=code, message=message))

    def _send_response(
        self, msg_id: Any, result: Any | None = None, error: types.ResponseError | None = None
    ) -> None:
        if error is not None and error.data is not None:
            # pygls puts the traceback of a failed handler here: logged, never sent.
            log.warning("request %s failed: %s %s", msg_id, error.message, error.data)
            first = (error.message or "internal error").strip().splitlines()
            error = types.ResponseError(code=error.code, message=first[-1] if first else "")
        super()._send_response(msg_id, result, error)
