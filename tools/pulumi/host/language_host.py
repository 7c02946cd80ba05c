"""A Python language host for the Pulumi CLI, written here because the official one cannot be built on this machine.

The CLI (`pulumi`) starts `pulumi-language-python <engine address>` and talks to it over the LanguageRuntime gRPC
contract (pulumi/proto/language.proto, whose Python stubs ship in the `pulumi` package). This host follows what the
official one (sdk/python/cmd/pulumi-language-python in pulumi/pulumi) does for the pip toolchain, so the CLI's
behaviour around it is the real one:

- the `virtualenv` runtime option is resolved against the project root (the folder of Pulumi.yaml);
- `GetRequiredPackages` reports every installed `pulumi-*` distribution as a resource plugin unless its
  `pulumi-plugin.json` says `"resource": false` (the same probe script and the same rules);
- `Run` executes the program with `pulumi-language-python-exec` inside the virtualenv, with the stack config in
  `PULUMI_CONFIG` and exit code 32 meaning "the program already told the user";
- `InstallDependencies` creates the virtualenv and installs `requirements.txt` from the program folder.

Only the pip toolchain is served; poetry and uv (and the policy-pack and plugin-running RPCs) answer UNIMPLEMENTED
with a sentence saying so. It is a stand-in for the language host only: the engine is always the real CLI.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2

HERE = Path(__file__).resolve().parent
EXECUTOR = HERE / "pulumi-language-python-exec"
# The exit code with which the executor says the user has already seen an actionable message.
EXITED_AFTER_USER_MESSAGE = 32
PACKAGES_WITHOUT_PLUGINS = frozenset({"pulumi-policy", "pulumi-esc-sdk"})
PLUGIN_JSON_PATHS_SCRIPT = """\
import importlib.metadata, importlib.util, os, sys, json
result = {}
for pkg_name in sys.argv[1:]:
    try:
        dist = importlib.metadata.distribution(pkg_name)
        module = dist.metadata['Name'].replace('-', '_')
        spec = importlib.util.find_spec(module)
        locs = list(spec.submodule_search_locations or []) if spec else []
        found = [p for l in locs for p in [os.path.join(str(l), 'pulumi-plugin.json')] if os.path.isfile(p)]
        result[pkg_name] = found[0] if found else ''
    except Exception:
        result[pkg_name] = ''
print(json.dumps(result))
"""


class ToolchainError(Exception):
    """A problem with the program's Python environment, worded for the user."""


# -- the pip toolchain ------------------------------------------------------------------------------------
class PipToolchain:
    """The program's Python: the `virtualenv` option resolved against the project root, or the ambient python3."""

    def __init__(self, root: str, program_dir: str, options: Mapping[str, Any], *, is_plugin: bool = False) -> None:
        toolchain = options.get("toolchain", "pip")
        if toolchain != "pip":
            raise ToolchainError(f"this language host serves the pip toolchain only, not {toolchain!r}")
        for lock in ("uv.lock", "poetry.lock"):
            if "toolchain" not in options and _search_up(Path(program_dir), lock):
                raise ToolchainError(f"found {lock}: this language host serves the pip toolchain only")
        virtualenv = options.get("virtualenv", "venv" if is_plugin else "")
        if not isinstance(virtualenv, str):
            raise ToolchainError("virtualenv option must be a string")
        self.option = virtualenv
        self.path = os.path.join(root, virtualenv) if virtualenv and not os.path.isabs(virtualenv) else virtualenv
        self.program_dir = program_dir

    @property
    def python(self) -> str:
        return os.path.join(self.path, "bin", "python") if self.path else "python3"

    def is_virtualenv(self) -> bool:
        return bool(self.path) and os.path.isfile(os.path.join(self.path, "bin", "python"))

    def env(self) -> dict[str, str]:
        """The environment of a command in the virtualenv, as the official host activates it."""
        env = dict(os.environ)
        if self.path:
            env.pop("PYTHONHOME", None)
            env["PATH"] = os.pathsep.join([os.path.join(self.path, "bin"), env.get("PATH", "")]).rstrip(os.pathsep)
            env["VIRTUAL_ENV"] = self.path
        return env

    def validate(self) -> None:
        if self.option and not self.is_virtualenv():
            problem = "doesn't exist" if not os.path.exists(self.path) else "doesn't appear to be a virtual environment"
            venv_python = os.path.join(self.path, "bin", "python")
            raise ToolchainError(
                f"The 'virtualenv' option in Pulumi.yaml is set to {self.option!r}, but {self.path!r} {problem}; "
                "run the following commands to create the virtual environment and install dependencies into it:\n\n"
                f"    1. python3 -m venv {self.path}\n"
                f"    2. {venv_python} -m pip install --upgrade pip setuptools wheel\n"
                f"    3. {venv_python} -m pip install -r requirements.txt\n")

    def ensure(self, out: Any, err: Any) -> None:
        """Create the virtualenv (and install requirements.txt) when the option names one that is missing or empty."""
        if not self.option or self.is_virtualenv():
            return
        if os.path.exists(self.path) and not os.path.isdir(self.path):
            raise ToolchainError(f"the 'virtualenv' option in Pulumi.yaml is set to {self.path!r} but it is not a directory")
        if not os.path.isdir(self.path) or not os.listdir(self.path):
            self.install(out, err)

    def install(self, out: Any, err: Any) -> None:
        if self.path:
            out("Creating virtual environment...\n")
            self._run(["python3", "-m", "venv", self.path], err, "creating virtual environment at " + self.path)
            out("Finished creating virtual environment\n")
        out("Updating pip, setuptools, and wheel in virtual environment...\n")
        self._run([self.python, "-m", "pip", "install", "--upgrade", "pip", "setuptools", "wheel"], err,
                  "updating pip, setuptools, and wheel", out)
        out("Finished updating\n")
        if not os.path.isfile(os.path.join(self.program_dir, "requirements.txt")):
            return
        out("Installing dependencies in virtual environment...\n")
        self._run([self.python, "-m", "pip", "install", "-r", "requirements.txt"], err, "installing dependencies", out)
        out("Finished installing dependencies\n")

    def _run(self, args: list[str], err: Any, what: str, out: Any = None) -> None:
        done = subprocess.run(args, cwd=self.program_dir, env=self.env(), capture_output=True, text=True, check=False)
        if out is not None and done.stdout:
            out(done.stdout)
        if done.returncode != 0:
            err(done.stderr)
            raise ToolchainError(f"{what} via '{' '.join(args)}': exit status {done.returncode}: {done.stderr.strip()}")

    def packages(self, *, transitive: bool = True) -> list[tuple[str, str]]:
        args = [self.python, "-m", "pip", "list", "--format", "json"] + ([] if transitive else ["--not-required"])
        done = subprocess.run(args, env=self.env(), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ToolchainError(f"calling `{' '.join(args)}`: {done.stderr.strip()}")
        return [(_normalize(p["name"]), p["version"]) for p in json.loads(done.stdout)]

    def plugin_json_paths(self, names: list[str]) -> dict[str, str]:
        if not names:
            return {}
        done = subprocess.run([self.python, "-c", PLUGIN_JSON_PATHS_SCRIPT, *names], env=self.env(),
                              capture_output=True, text=True, check=False)
        return json.loads(done.stdout) if done.returncode == 0 else {}


def _search_up(folder: Path, name: str) -> bool:
    return any((parent / name).exists() for parent in [folder, *folder.parents])


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def plugin_version(package_version: str) -> str | None:
    """A PEP 440 version as a plugin's semver (1.2.3a4 -> 1.2.3-alpha.4), or None when it cannot be told."""
    match = re.fullmatch(r"(\d+(?:\.\d+)*)(?:(a|b|rc)(\d+))?(?:\.post(\d+))?(?:\.dev(\d+))?", package_version)
    if match is None:
        return None
    release, pre, pre_number, post, dev = match.groups()
    segments = release.split(".")
    segments += ["0"] * (3 - len(segments))
    version = ".".join(segments)
    if pre:
        version += "-" + {"a": "alpha", "b": "beta", "rc": "rc"}[pre] + "." + pre_number
    if post is not None:
        version += "+post" + post
    if dev is not None:
        version += ("" if post is not None else "+") + "dev" + dev
    return version


def required_packages(toolchain: PipToolchain) -> list[plugin_pb2.PackageDependency]:
    """The resource plugins the program's environment implies, by the official host's rules."""
    installed = [(name, version) for name, version in toolchain.packages() if name not in PACKAGES_WITHOUT_PLUGINS]
    paths = toolchain.plugin_json_paths([name for name, _ in installed])
    dependencies = []
    for name, version in installed:
        plugin_json: dict[str, Any] | None = None
        if paths.get(name):
            plugin_json = json.loads(Path(paths[name]).read_text())
        if plugin_json is None and not name.startswith("pulumi-"):
            continue
        if plugin_json is not None and not plugin_json.get("resource", False):
            continue
        plugin_name = (plugin_json or {}).get("name") or name.removeprefix("pulumi-")
        plugin_ver = (plugin_json or {}).get("version") or plugin_version(version)
        if plugin_ver is None:
            continue
        dependencies.append(plugin_pb2.PackageDependency(
            name=plugin_name, kind="resource", server=(plugin_json or {}).get("server", ""),
            version=plugin_ver if plugin_ver.startswith("v") else "v" + plugin_ver))
    return dependencies


# -- the gRPC service -------------------------------------------------------------------------------------
def _options(info: Any) -> dict[str, Any]:
    return json_format.MessageToDict(info.options) if info.HasField("options") else {}


def _toolchain(info: Any, *, is_plugin: bool = False) -> PipToolchain:
    return PipToolchain(info.root_directory, info.program_directory, _options(info), is_plugin=is_plugin)


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
    def __init__(self, engine_address: str, version: str) -> None:
        self.engine_address = engine_address
        self.version = version
        self.programs: set[subprocess.Popen[bytes]] = set()
        self.lock = threading.Lock()

    def Handshake(self, request: Any, context: Any) -> Any:
        self.engine_address = request.engine_address
        return language_pb2.LanguageHandshakeResponse()

    def GetPluginInfo(self, request: Any, context: Any) -> Any:
        return plugin_pb2.PluginInfo(version=self.version)

    def GetRequiredPlugins(self, request: Any, context: Any) -> Any:
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "method GetRequiredPlugins not implemented")

    def GetRequiredPackages(self, request: Any, context: Any) -> Any:
        try:
            toolchain = _toolchain(request.info)
            toolchain.ensure(sys.stderr.write, sys.stderr.write)
            return language_pb2.GetRequiredPackagesResponse(packages=required_packages(toolchain))
        except ToolchainError as exc:
            context.abort(grpc.StatusCode.UNKNOWN, str(exc))

    def Run(self, request: Any, context: Any) -> Any:
        try:
            toolchain = _toolchain(request.info)
            toolchain.validate()
        except ToolchainError as exc:
            context.abort(grpc.StatusCode.UNKNOWN, str(exc))
        env = toolchain.env()
        if request.config:
            env["PULUMI_CONFIG"] = json.dumps(dict(request.config))
        env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(request.configSecretKeys))
        program = subprocess.Popen([toolchain.python, str(EXECUTOR), *self._arguments(request)], env=env)
        with self.lock:
            self.programs.add(program)
        context.add_callback(lambda: _interrupt(program))
        try:
            code = program.wait()
        finally:
            with self.lock:
                self.programs.discard(program)
        sys.stdout.flush()
        sys.stderr.flush()
        if code == 0:
            return language_pb2.RunResponse()
        if code == EXITED_AFTER_USER_MESSAGE:
            return language_pb2.RunResponse(bail=True)
        if code < 0:
            return language_pb2.RunResponse(error=f"program exited unexpectedly: signal {-code}")
        return language_pb2.RunResponse(error=f"program exited with non-zero exit code: {code}")

    def _arguments(self, request: Any) -> list[str]:
        pairs = [("monitor", request.monitor_address), ("engine", self.engine_address),
                 ("project", request.project), ("root_directory", request.info.root_directory),
                 ("stack", request.stack), ("pwd", request.pwd), ("dry_run", "true" if request.dryRun else "false"),
                 ("parallel", str(request.parallel)), ("organization", request.organization)]
        args = [arg for key, value in pairs if value for arg in ("--" + key, value)]
        return [*args, request.info.entry_point or ".", *request.args]

    def InstallDependencies(self, request: Any, context: Any) -> Iterator[Any]:
        messages: list[Any] = []

        def out(text: str) -> None:
            messages.append(language_pb2.InstallDependenciesResponse(stdout=text.encode()))

        def err(text: str) -> None:
            messages.append(language_pb2.InstallDependenciesResponse(stderr=text.encode()))

        out("Installing dependencies...\n\n")
        try:
            _toolchain(request.info, is_plugin=request.is_plugin).install(out, err)
        except ToolchainError as exc:
            yield from messages
            context.abort(grpc.StatusCode.UNKNOWN, str(exc))
        out("Finished installing dependencies\n\n")
        yield from messages

    def RuntimeOptionsPrompts(self, request: Any, context: Any) -> Any:
        # The official host offers a toolchain choice (pip/poetry/uv) and a virtualenv; this one serves pip only.
        options = _options(request.info)
        prompts = []
        if options.get("toolchain", "pip") == "pip" and "virtualenv" not in options:
            venv = language_pb2.RuntimeOptionPrompt.RuntimeOptionValue(
                promptType=language_pb2.RuntimeOptionPrompt.STRING, stringValue="venv")
            prompts.append(language_pb2.RuntimeOptionPrompt(
                key="virtualenv", description="The virtualenv to use",
                promptType=language_pb2.RuntimeOptionPrompt.STRING, choices=[venv], default=venv))
        return language_pb2.RuntimeOptionsResponse(prompts=prompts)

    def About(self, request: Any, context: Any) -> Any:
        toolchain = _toolchain(request.info) if request.HasField("info") else PipToolchain("", "", {})
        done = subprocess.run([toolchain.python, "--version"], env=toolchain.env(), capture_output=True, text=True,
                              check=False)
        return language_pb2.AboutResponse(executable=toolchain.python,
                                          version=done.stdout.strip().removeprefix("Python "),
                                          metadata={"toolchain": "pip", "typechecker": "none"})

    def GetProgramDependencies(self, request: Any, context: Any) -> Any:
        try:
            packages = _toolchain(request.info).packages(transitive=request.transitiveDependencies)
        except ToolchainError as exc:
            context.abort(grpc.StatusCode.UNKNOWN, f"failed to get python dependencies: {exc}")
        return language_pb2.GetProgramDependenciesResponse(
            dependencies=[language_pb2.DependencyInfo(name=name, version=version) for name, version in packages])

    def Template(self, request: Any, context: Any) -> Any:
        return language_pb2.TemplateResponse()

    def Cancel(self, request: Any, context: Any) -> Any:
        with self.lock:
            for program in list(self.programs):
                _interrupt(program)
        return empty_pb2.Empty()


def _interrupt(program: subprocess.Popen[bytes]) -> None:
    """As the official host cancels a run: SIGINT, then a kill if the program is still there five seconds later."""
    if program.poll() is not None:
        return
    program.send_signal(signal.SIGINT)
    threading.Timer(5.0, lambda: program.poll() is None and program.kill()).start()


def _exit_when_orphaned(parent: int) -> None:
    """The CLI kills its plugins when it is done; if it dies first, do not outlive it."""
    while True:
        threading.Event().wait(1.0)
        if os.getppid() != parent:
            os._exit(0)


def main(argv: list[str]) -> int:
    if "--version" in argv or "-version" in argv:
        print(os.environ.get("PULUMI_LANGUAGE_HOST_VERSION", "0.0.0"))
        return 0
    positional = [arg for arg in argv if not arg.startswith("-")]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8),
                         options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)])
    host = LanguageHost(positional[0] if positional else "", os.environ.get("PULUMI_LANGUAGE_HOST_VERSION", "0.0.0"))
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(host, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    stopping = threading.Event()
    # The CLI closes a plugin with SIGINT to its process group and kills it five seconds later: stop at once.
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    while not stopping.wait(0.5):
        pass
    host.Cancel(None, None)
    server.stop(grace=1.0).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
