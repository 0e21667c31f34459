"""Imports real DSPy offline, for generating golden files.

DSPy's adapters, modules, metrics and save/load are pure Python; what DSPy imports for the network
(litellm, openai), for progress bars, disk caches and async helpers is replaced here by small stand-ins
so that `import dspy` works on a machine without those packages. Nothing DSPy computes for a prompt,
a parse, a saved file or a metric goes through a stand-in.

Usage (from a generator script in this folder):
    import dspy_offline            # before anything imports dspy
    dspy = dspy_offline.dspy

Where DSPy and json_repair come from: environment variables DSPY_SRC (a folder holding the `dspy`
package, e.g. a checkout of stanfordnlp/dspy at v3.3.1) and JSON_REPAIR_SRC (a folder holding the
`json_repair` package, e.g. json_repair's `src/`). Defaults: /work/dspy-src and /work/json_repair-src/src.
"""
import importlib.abc
import importlib.machinery
import os
import sys
import types

DSPY_SRC = os.environ.get("DSPY_SRC", "/work/dspy-src")
JSON_REPAIR_SRC = os.environ.get("JSON_REPAIR_SRC", "/work/json_repair-src/src")
sys.path[:0] = [DSPY_SRC, JSON_REPAIR_SRC]


class _Anything:
    """A class that stands for any missing name: callable, subclassable, attribute-tolerant."""

    def __init__(self, *args, **kwargs):
        pass

    def __class_getitem__(cls, item):
        return cls

    def __call__(self, *args, **kwargs):
        return _Anything()

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Anything()

    def __iter__(self):
        return iter(())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __bool__(self):
        return False


class _StubModule(types.ModuleType):
    def __init__(self, name):
        super().__init__(name)
        self.__path__ = []  # a package, so submodules import too
        self.__file__ = f"<offline stand-in for {name}>"

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        # Exceptions must be real exception classes (DSPy catches them); anything else a class.
        base = Exception if name.endswith(("Error", "Exception", "Exceeded")) else _Anything
        value = type(name, (base,), {})
        setattr(self, name, value)
        return value


STUBBED = (
    "litellm", "openai", "anyio", "asyncer", "diskcache", "tenacity", "xxhash", "ujson", "gepa",
    "optuna", "rich", "mlflow", "mcp", "langchain_core", "weaviate", "jiter",
)


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] in STUBBED:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return _StubModule(spec.name)

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _StubFinder())

# Small real stand-ins where DSPy uses behaviour, not just a name.
_tqdm = types.ModuleType("tqdm")


class _Tqdm:
    def __init__(self, iterable=None, *args, **kwargs):
        self.iterable = iterable
        self.n = 0

    def __iter__(self):
        return iter(self.iterable or ())

    def update(self, n=1):
        self.n += n

    def set_description(self, *a, **k):
        pass

    def refresh(self, *a, **k):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_tqdm.tqdm = _Tqdm
_tqdm_auto = types.ModuleType("tqdm.auto")
_tqdm_auto.tqdm = _Tqdm
_tqdm.auto = _tqdm_auto
_tqdm_contrib = types.ModuleType("tqdm.contrib")
_tqdm_contrib_logging = types.ModuleType("tqdm.contrib.logging")
_tqdm_contrib_logging.logging_redirect_tqdm = lambda *a, **k: _Anything()
sys.modules.update({"tqdm": _tqdm, "tqdm.auto": _tqdm_auto, "tqdm.contrib": _tqdm_contrib,
                    "tqdm.contrib.logging": _tqdm_contrib_logging})

_cachetools = types.ModuleType("cachetools")


class LRUCache(dict):
    def __init__(self, maxsize=128, *args, **kwargs):
        super().__init__()
        self.maxsize = maxsize


_cachetools.LRUCache = LRUCache
_cachetools.cached = lambda *a, **k: (lambda f: f)
sys.modules["cachetools"] = _cachetools

_magicattr = types.ModuleType("magicattr")


def _magic_get(obj, path):
    import re
    for part in re.findall(r"[^.\[\]]+", path):
        obj = obj[int(part)] if part.isdigit() and isinstance(obj, (list, tuple)) else (
            obj[part.strip("'\"")] if isinstance(obj, dict) else getattr(obj, part))
    return obj


def _magic_set(obj, path, value):
    import re
    parts = re.findall(r"[^.\[\]]+", path)
    parent = _magic_get(obj, ".".join(parts[:-1])) if len(parts) > 1 else obj
    last = parts[-1]
    if isinstance(parent, list):
        parent[int(last)] = value
    elif isinstance(parent, dict):
        parent[last.strip("'\"")] = value
    else:
        setattr(parent, last, value)


_magicattr.get = _magic_get
_magicattr.set = _magic_set
sys.modules["magicattr"] = _magicattr

# litellm's stream chunk, for code that checks its type by name (dspy.streaming.streaming_response
# accepts a value whose class is named ModelResponseStream in a litellm module). A small pydantic
# model with the OpenAI chunk fields; json() returns model_dump() of the fields that were set, as
# litellm's does. Only the chunk's inside is a stand-in: what DSPy writes around it is real.
import pydantic  # noqa: E402


class Delta(pydantic.BaseModel):
    content: str | None = None
    role: str | None = None


class StreamingChoices(pydantic.BaseModel):
    index: int = 0
    delta: Delta = Delta()
    finish_reason: str | None = None


class ModelResponseStream(pydantic.BaseModel):
    id: str
    created: int
    model: str | None = None
    object: str = "chat.completion.chunk"
    system_fingerprint: str | None = None
    choices: list[StreamingChoices]
    provider_specific_fields: dict | None = None

    def json(self, **kwargs):  # litellm: "return self.model_dump()"
        return self.model_dump(exclude_unset=True)


_litellm_types_utils = types.ModuleType("litellm.types.utils")
for _cls in (Delta, StreamingChoices, ModelResponseStream):
    _cls.__module__ = "litellm.types.utils"
    setattr(_litellm_types_utils, _cls.__name__, _cls)
sys.modules["litellm.types.utils"] = _litellm_types_utils
import litellm  # noqa: E402  (the stub package)

litellm.ModelResponseStream = ModelResponseStream

import dspy  # noqa: E402  (after the stand-ins, on purpose)

# No disk or memory cache between golden runs: every DummyLM answer is computed afresh.
dspy.configure_cache(enable_disk_cache=False, enable_memory_cache=False) if hasattr(dspy, "configure_cache") else None

__all__ = ["dspy"]
