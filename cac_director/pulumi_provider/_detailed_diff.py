"""Our Diff answers carry which model fields change (``diffs``) and where (``detailedDiff``).

The gRPC ``DiffResponse`` has room for both, and the engine then displays only those paths. The SDK's
dynamic provider server (``python -m pulumi.dynamic``, pinned pulumi 3.272,
``DynamicResourceProviderServicer.Diff``) fills in ``changes``, ``replaces`` and ``deleteBeforeReplace``
only, so the engine falls back to diffing every input, ours included (``ref_ids``, ``target``, ...).

The SDK offers no hook, so ``install()`` swaps the one function the server's ``Diff`` wraps: the SDK
decorates it with ``_abort_with_traceback`` when the class is built and gRPC holds that decorated
method, so the function goes into the decorator's closure (the error handling around it stays the
SDK's, with ``_one_line_errors``). Our function mirrors the SDK's steps (deserialise olds and news, find
the provider, call its ``diff``, the same three fields), then adds the detail when the provider returned a
``DetailedDiffResult``. ``tests/provider/test_detailed_diff.py`` pins the SDK lines mirrored here and drives
a real provider process, so an SDK that changes shape fails a test instead of losing the display.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import CellType
from typing import Any

from pulumi.dynamic import DiffResult

from cac_director.pulumi_provider._one_line_errors import server_modules

_SERVICER = "DynamicResourceProviderServicer"


class DetailedDiffResult(DiffResult):
    """A ``DiffResult`` that also says which model fields change and at which property paths.

    ``detailed``: engine property path -> ``pulumirpc.PropertyDiff`` kind name (``UPDATE``, ``ADD_REPLACE``, ...).
    """

    def __init__(
        self,
        *,
        changes: bool,
        replaces: list[str],
        delete_before_replace: bool,
        diffs: list[str],
        detailed: Mapping[str, str],
    ) -> None:
        super().__init__(changes=changes, replaces=replaces, delete_before_replace=delete_before_replace)
        self.diffs = diffs
        self.detailed = dict(detailed)


def _our_diff(server: Mapping[str, Any]) -> Callable[..., Any]:
    """The servicer's Diff, as the SDK writes it, plus ``diffs`` and ``detailedDiff``."""
    rpc, proto, get_provider, provider_key = (
        server["rpc"],
        server["proto"],
        server["get_provider"],
        server["PROVIDER_KEY"],
    )

    def Diff(self: Any, request: Any, context: Any) -> Any:
        olds = rpc.deserialize_properties(request.olds, True)
        news = rpc.deserialize_properties(request.news, True)
        if news[provider_key] == rpc.UNKNOWN:
            provider = get_provider(olds, self._config)
        else:
            provider = get_provider(news, self._config)
        result = provider.diff(request.id, olds, news)
        fields: dict[str, Any] = {}
        if result.changes is not None:
            fields["changes"] = proto.DiffResponse.DIFF_SOME if result.changes else proto.DiffResponse.DIFF_NONE
        else:
            fields["changes"] = proto.DiffResponse.DIFF_UNKNOWN
        if result.replaces is not None:
            fields["replaces"] = result.replaces
        if result.delete_before_replace is not None:
            fields["deleteBeforeReplace"] = result.delete_before_replace
        if isinstance(result, DetailedDiffResult):
            fields["diffs"] = result.diffs
            fields["detailedDiff"] = {
                path: proto.PropertyDiff(kind=proto.PropertyDiff.Kind.Value(kind))
                for path, kind in result.detailed.items()
            }
            fields["hasDetailedDiff"] = True
        return proto.DiffResponse(**fields)

    Diff.__cac_director__ = True  # type: ignore[attr-defined]
    return Diff


def _wrapped_cell(servicer: type) -> CellType | None:
    """The closure cell holding the function the SDK's decorated ``Diff`` calls, if it has that shape."""
    decorated = servicer.__dict__.get("Diff")
    cells: tuple[CellType, ...] = getattr(decorated, "__closure__", None) or ()
    if len(cells) != 1:
        return None
    (cell,) = cells
    inner = cell.cell_contents
    return cell if callable(inner) and getattr(inner, "__name__", "") == "Diff" else None


def install() -> bool:
    """Answer Diff with the detail in the running provider server, if any; True when it does. Idempotent."""
    installed = False
    for module in server_modules():
        servicer = getattr(module, _SERVICER, None)
        cell = _wrapped_cell(servicer) if isinstance(servicer, type) else None
        if cell is None:
            continue
        if not getattr(cell.cell_contents, "__cac_director__", False):
            cell.cell_contents = _our_diff(vars(module))
        installed = True
    return installed
