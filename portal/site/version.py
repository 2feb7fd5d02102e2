"""The version of the site's code: what every page's fingerprint includes, so that a change of the code, templates
or static files that render the site republishes every page.

The code is not listed by hand: it is every ``portal`` module the site app really loads (`create_site_app` and the
site blueprint, found in a fresh interpreter so that what this process happens to have imported does not count),
the modules the site's views import when they render (imports inside their functions), and the publishing
pipeline that writes the pages.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path


PACKAGE = Path(__file__).resolve().parent.parent  # portal/

_LOADED_BY_SITE_APP = """
import json, sys
from portal import create_site_app
import portal.site
create_site_app({"DATABASE_URL": "sqlite://", "INSTANCE_PATH": sys.argv[1], "SECRET_KEY": "site-version"})
print(json.dumps(sorted(name for name in sys.modules if name == "portal" or name.startswith("portal."))))
"""


def module_path(name: str) -> Path | None:
    parts = name.split(".")[1:]
    base = PACKAGE.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imported_inside_functions(path: Path) -> set[str]:
    """``portal`` modules a module imports inside its functions (they load when a page is rendered)."""
    names: set[str] = set()
    package = ".".join(["portal", *path.relative_to(PACKAGE).with_suffix("").parts])
    if path.name == "__init__.py":
        package = package.rsplit(".", 1)[0] + ".__init__"
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.rsplit(".", node.level)[0]
                    module = f"{base}.{node.module}" if node.module else base
                else:
                    module = node.module or ""
                candidates = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                continue
            names.update(c for c in candidates if c.startswith("portal.") and module_path(c) is not None)
    return names


CACHE_FILE = "site-modules.json"  # in the instance folder: the list, and the digest of the code it was made from


def _code_digest() -> str:
    """Every ``portal`` module's path and bytes: which modules the site app loads can change with any of them."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_file() -> Path | None:
    from flask import current_app, has_app_context

    return Path(current_app.instance_path) / CACHE_FILE if has_app_context() else None


@lru_cache(maxsize=1)
def site_modules() -> tuple[str, ...]:
    """Names of the ``portal`` modules that render the site: computed once per process (code changes need a restart
    anyway), and kept in the instance folder for the next process while the code stays the same. Finding them takes
    a fresh interpreter, about 2 s: the largest part of a worker's first publish and of every `portal build`."""
    key, cache = _code_digest(), _cache_file()
    try:
        kept = json.loads(cache.read_text(encoding="utf-8")) if cache else None
    except (OSError, ValueError):
        kept = None
    if isinstance(kept, dict) and kept.get("code") == key and isinstance(kept.get("modules"), list):
        return tuple(kept["modules"])
    modules = _listed()
    if cache is not None:
        try:
            temporary = cache.with_name(f".{CACHE_FILE}.{os.getpid()}")
            temporary.write_text(json.dumps({"code": key, "modules": modules}), encoding="utf-8")
            os.replace(temporary, cache)  # whole or not at all: another process may read it now
        except OSError:  # a read-only instance folder: found again by the next process
            pass
    return modules


def _listed() -> tuple[str, ...]:
    with tempfile.TemporaryDirectory(prefix="portal-site-version-") as instance:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        result = subprocess.run([sys.executable, "-c", _LOADED_BY_SITE_APP, instance], capture_output=True,
                                text=True, check=True, env=env, cwd=instance)
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    # What the site's own modules import while rendering, and what those import in turn.
    todo = [name for name in loaded if name.startswith("portal.site")]
    while todo:
        path = module_path(todo.pop())
        for name in _imported_inside_functions(path) if path else ():
            if name not in loaded:
                loaded.add(name)
                todo.append(name)
    publishing = {f"portal.publish.{p.stem}" for p in (PACKAGE / "publish").glob("*.py") if p.stem != "__init__"}
    return tuple(sorted(loaded | publishing | {"portal.publish"}))


def site_version() -> str:
    """Changes whenever templates, static files or the code that renders pages change."""
    digest = hashlib.sha256()
    files = [*(PACKAGE / "templates").rglob("*.html"), *(PACKAGE / "static" / "site").rglob("*")]
    sources = {str(path.relative_to(PACKAGE)): path for path in files if path.is_file()}
    sources.update((name, path) for name in site_modules() if (path := module_path(name)) is not None)
    for name in sorted(sources):
        digest.update(name.encode())
        digest.update(sources[name].read_bytes())
    return digest.hexdigest()[:16]
