"""initialize / initialized / configuration / commands: the server's own life."""

from __future__ import annotations

from typing import Any

from apicall.index.value_picker import shipped_picker
from lsprotocol import types

from ..config import CONFIG_SECTION, parse_config

# A runtime import: pygls resolves the annotations of command handlers when a command comes
# with arguments, and a name imported only for type checking fails there.
from ..server import ApicallServer
from .file_apis import read_workspace_urls
from .workspace import watch_spec_files


def register(server: ApicallServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: ApicallServer, params: types.InitializeParams) -> None:
        config, errors = parse_config(params.initialization_options, base=ls.defaults)
        ls.config = config
        if errors:
            ls.show(
                types.MessageType.Error,
                "apicall: invalid settings, defaults used for: " + "; ".join(errors),
            )

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ApicallServer, params: types.InitializedParams) -> None:
        ls.start_model()

        # Opening the index loads the embedder: off the event loop, like all heavy work; the
        # value picker after it in the same worker, so that the first fill finds it loaded and
        # the other worker stays free for requests.
        def open_engine_and_picker(_control: object) -> None:
            ls.open_engine()
            shipped_picker()

        ls.spawn(ls.in_thread(open_engine_and_picker, budget_s=120))
        ls.spawn(read_workspace_urls(ls))
        await watch_spec_files(ls)
        ls.spawn(ls.index_service.watch_index())
        if ls.config.workspace_specs:
            ls.index_service.submit(scan=True)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: ApicallServer, params: types.DidChangeConfigurationParams
    ) -> None:
        raw: Any = params.settings
        if not isinstance(raw, dict) or CONFIG_SECTION not in raw:
            try:
                answers = await ls.workspace_configuration_async(
                    types.ConfigurationParams(
                        items=[types.ConfigurationItem(section=CONFIG_SECTION)]
                    )
                )
                raw = answers[0] if answers else None
            except Exception as exc:  # a client without workspace/configuration
                ls.log(f"apicall: workspace/configuration failed: {exc!r}")
                raw = params.settings
        apply_settings(ls, raw)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ApicallServer, *args: Any) -> None:
        ls.close()

    @server.command("apicall.server.status")
    async def status(ls: ApicallServer, *args: Any) -> dict[str, Any]:
        engine = ls.open_engine()
        report: dict[str, Any] = {
            "index": str(ls.index_dir),
            "operations": engine.searcher.store.count_operations() if engine else 0,
            "workspace_specs": sorted(ls.workspace_spec_keys),
            "model": ls.runtime.state.value if ls.runtime else "off",
            "model_error": ls.runtime.error if ls.runtime else None,
            "adapter": ls.runtime.adapter_path if ls.runtime else None,
            "catalog": ls.config.catalog,
            "fill_arguments": ls.config.fill_arguments,
        }
        # A client polling for its status bar passes {"quiet": true}: no message each time.
        if not any(isinstance(a, dict) and a.get("quiet") for a in args):
            ls.show(
                types.MessageType.Info,
                f"apicall: {report['operations']:,} operations indexed, "
                f"{len(report['workspace_specs'])} workspace specs, model {report['model']}",
            )
        return report


def apply_settings(ls: ApicallServer, raw: Any) -> None:
    before = ls.config
    config, errors = parse_config(raw, base=before)
    ls.config = config
    if errors:
        ls.show(
            types.MessageType.Error,
            "apicall: invalid settings, defaults kept for: " + "; ".join(errors),
        )
    if (config.index_dir, config.workspace_specs) != (before.index_dir, before.workspace_specs):
        ls.reopen_index()
    if (config.model_path, config.n_gpu_layers, config.fill_arguments) != (
        before.model_path,
        before.n_gpu_layers,
        before.fill_arguments,
    ):
        ls.model_failure_reported = False
        ls.start_model()
    ls.log(f"apicall: settings applied: {config}")
