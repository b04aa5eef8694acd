"""Load the YAML config into the validated schema, with errors that name file, line and key."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import apprise
import yaml
from pydantic import ValidationError

from config.schema import Config

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
PACKAGED_DEFAULT = Path(__file__).with_name("regwatch.yaml")


class ConfigError(Exception):
    """One line, naming the file, the line and the key at fault."""


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    path: Path | None
    secrets: frozenset[str] = field(default_factory=frozenset)


def default_path() -> Path:
    """`REGWATCH_CONFIG`, else `config/regwatch.yaml` here, else the packaged default."""
    env = os.environ.get("REGWATCH_CONFIG")
    if env:
        return Path(env)
    local = Path("config/regwatch.yaml")
    return local if local.exists() else PACKAGED_DEFAULT


def load_config(
    path: Path | str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    database: str | None = None,
) -> LoadedConfig:
    path = Path(path) if path is not None else default_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from exc
    return parse_config(text, path=path, env=env, database=database)


def parse_config(
    text: str,
    *,
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    database: str | None = None,
) -> LoadedConfig:
    where = str(path) if path else "<config>"
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}{line}: not valid YAML: {problem}") from exc
    lines = _line_map(root)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}:1: the config must be a mapping of keys")
    secrets: set[str] = set()
    data = _substitute(data, (), env if env is not None else os.environ, secrets, where, lines)
    if database:
        data["database"] = database
    elif os.environ.get("REGWATCH_DB") and env is None:
        data["database"] = os.environ["REGWATCH_DB"]
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        raise ConfigError(f"{where}{_line(lines, loc)}: {_dotted(loc)}: {message}") from exc
    _cross_check(config, where, lines)
    return LoadedConfig(config=config, path=path, secrets=frozenset(s for s in secrets if s))


def _cross_check(config: Config, where: str, lines: dict[tuple[Any, ...], int]) -> None:
    seen: set[str] = set()
    loc: tuple[Any, ...]
    for i, source in enumerate(config.sources):
        loc = ("sources", i, "id")
        if source.id in seen:
            raise ConfigError(
                f"{where}{_line(lines, loc)}: {_dotted(loc)}: duplicate id {source.id!r}"
            )
        seen.add(source.id)
        if not source.listing and not source.pages:
            loc = ("sources", i)
            raise ConfigError(f"{where}{_line(lines, loc)}: {_dotted(loc)}: needs listing or pages")
    subscription_ids: set[str] = set()
    for i, sub in enumerate(config.subscriptions):
        loc = ("subscriptions", i, "id")
        if sub.id in subscription_ids:
            raise ConfigError(
                f"{where}{_line(lines, loc)}: {_dotted(loc)}: duplicate id {sub.id!r}"
            )
        subscription_ids.add(sub.id)
        for j, source_id in enumerate(sub.sources):
            if source_id not in seen:
                loc = ("subscriptions", i, "sources", j)
                raise ConfigError(
                    f"{where}{_line(lines, loc)}: {_dotted(loc)}: unknown source {source_id!r}"
                )
        for j, url in enumerate(sub.notify):
            if apprise.Apprise.instantiate(url) is None:
                loc = ("subscriptions", i, "notify", j)
                raise ConfigError(
                    f"{where}{_line(lines, loc)}: {_dotted(loc)}: not a usable Apprise URL "
                    f"(scheme {url.split(':', 1)[0]!r})"
                )


def _substitute(
    value: Any,
    loc: tuple[Any, ...],
    env: Mapping[str, str],
    secrets: set[str],
    where: str,
    lines: dict[tuple[Any, ...], int],
) -> Any:
    if isinstance(value, dict):
        return {k: _substitute(v, (*loc, k), env, secrets, where, lines) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, (*loc, i), env, secrets, where, lines) for i, v in enumerate(value)]
    if isinstance(value, str) and "${" in value:

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in env:
                raise ConfigError(
                    f"{where}{_line(lines, loc)}: {_dotted(loc)}: "
                    f"environment variable {name} is not set"
                )
            secrets.add(env[name])
            return env[name]

        return _ENV_REF.sub(replace, value)
    return value


def _line_map(node: yaml.Node | None) -> dict[tuple[Any, ...], int]:
    lines: dict[tuple[Any, ...], int] = {}

    def walk(n: yaml.Node, loc: tuple[Any, ...]) -> None:
        lines[loc] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            for key, child in n.value:
                child_loc = (*loc, key.value)
                lines[child_loc] = key.start_mark.line + 1
                walk(child, child_loc)
                lines[child_loc] = key.start_mark.line + 1
        elif isinstance(n, yaml.SequenceNode):
            for i, child in enumerate(n.value):
                walk(child, (*loc, i))

    if node is not None:
        walk(node, ())
    return lines


def _line(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> str:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return f":{lines[loc[:end]]}"
    return ""


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(root)"
