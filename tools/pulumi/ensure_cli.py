"""Make a working Pulumi CLI available and print its path as the last line (`make pulumi`).

In order of preference:
1. the `pulumi` on PATH;
2. the official installer, when its site is reachable (installed into the cache below);
3. a build of the CLI from its Go module at PULUMI_VERSION, cached outside the clone and keyed by version, with the
   language host of tools/pulumi/host beside it (the official Python language host's Go module is not served to
   this kind of machine; ours speaks the same gRPC contract, see host/language_host.py);
4. otherwise an error that says what to install.

The cache is $PULUMI_AWS_MLOPS_CACHE, else $XDG_CACHE_HOME/pulumi-aws-mlops, else ~/.cache/pulumi-aws-mlops: a fresh
clone, CI and the tests all reuse what an earlier run built.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

# The one place the CLI version is pinned.
PULUMI_VERSION = "3.274.1"
# The Python SDK the language host itself runs on (only its gRPC stubs are used).
HOST_SDK_REQUIREMENT = "pulumi==3.272.0"
INSTALLER_HOST = "get.pulumi.com"
HOST_SOURCE = Path(__file__).resolve().parent / "host"
HOST_FILES = ("language_host.py", "pulumi-language-python-exec", "pulumi-resource-pulumi-python")
# A throwaway module: `go install pkg@version` refuses modules with replace directives, so the CLI's own
# replace of atotto/clipboard is restated here.
GO_MOD = """module pulumiclibuild

go 1.26

require github.com/pulumi/pulumi/pkg/v3 v{version}

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
"""
GO_TOOLS = """//go:build tools

package pulumiclibuild

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
"""
LAUNCHER = """#!/bin/sh
here=$(dirname "$0")
exec "$here/hostenv/bin/python" "$here/language_host.py" "$@"
"""


class Unavailable(Exception):
    """No way to get the CLI on this machine; the message says what to install."""


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cache_root() -> Path:
    if os.environ.get("PULUMI_AWS_MLOPS_CACHE"):
        return Path(os.environ["PULUMI_AWS_MLOPS_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "pulumi-aws-mlops"


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """One builder at a time (parallel test workers, two clones): the others wait and then reuse its result."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def works(cli: Path | str) -> bool:
    try:
        done = subprocess.run([str(cli), "version"], capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return False
    return done.returncode == 0


def from_path() -> Path | None:
    found = shutil.which("pulumi")
    return Path(found) if found and works(found) else None


def reachable(host: str, port: int = 443, timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def from_installer(version: str) -> Path | None:
    if not reachable(INSTALLER_HOST):
        return None
    root = cache_root() / f"official-v{version}"
    cli = root / "bin" / "pulumi"
    with locked(cache_root() / f"official-v{version}.lock"):
        if not works(cli):
            say(f"Installing the Pulumi CLI v{version} with the official installer into {root} ...")
            with tempfile.NamedTemporaryFile(suffix=".sh") as script:
                with urllib.request.urlopen(f"https://{INSTALLER_HOST}/install.sh", timeout=60) as response:
                    script.write(response.read())
                script.flush()
                subprocess.run(["sh", script.name, "--version", version, "--install-root", str(root), "--no-edit-path"],
                               check=True, stdout=sys.stderr)
    return cli if works(cli) else None


def go_build(version: str) -> Path:
    """The CLI binary built from its Go module, once per version."""
    binary = cache_root() / f"go-v{version}" / "pulumi"
    if binary.exists():
        return binary
    go = shutil.which("go")
    if go is None:
        raise Unavailable("no `pulumi` on PATH, the official installer is unreachable and Go is not installed: "
                          "install the Pulumi CLI (https://www.pulumi.com/docs/install/) or Go 1.26+")
    module = binary.parent / "module"
    module.mkdir(parents=True, exist_ok=True)
    (module / "go.mod").write_text(GO_MOD.format(version=version))
    (module / "tools.go").write_text(GO_TOOLS)
    started = time.monotonic()
    say(f"Building the Pulumi CLI v{version} from its Go module (once; cached in {binary.parent}) ...")
    say("  resolving modules (go mod tidy) ...")
    tidy = subprocess.run([go, "mod", "tidy"], cwd=module, capture_output=True, text=True, check=False)
    if tidy.returncode != 0:
        raise Unavailable(f"the Go module proxy refused the Pulumi CLI v{version}:\n{tidy.stderr.strip()}")
    partial = binary.with_suffix(".partial")
    ldflags = f"-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v{version}"
    build = subprocess.Popen([go, "build", "-v", "-trimpath", "-ldflags", ldflags, "-o", str(partial),
                              "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"],
                             cwd=module, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert build.stdout is not None
    tail: list[str] = []
    for compiled, line in enumerate(build.stdout, start=1):
        tail = [*tail[-30:], line.rstrip()]
        if compiled % 100 == 0:
            say(f"  compiled {compiled} packages ({time.monotonic() - started:.0f} s) ...")
    if build.wait() != 0:
        raise Unavailable("building the Pulumi CLI failed:\n" + "\n".join(tail))
    partial.rename(binary)
    say(f"  built in {time.monotonic() - started:.0f} s")
    return binary


def host_digest() -> str:
    digest = hashlib.sha256(HOST_SDK_REQUIREMENT.encode())
    for name in HOST_FILES:
        digest.update((HOST_SOURCE / name).read_bytes())
    return digest.hexdigest()[:12]


def bundle(version: str, binary: Path) -> Path:
    """A bin folder with the CLI and, beside it, the language host and the dynamic-provider shim."""
    folder = cache_root() / f"go-v{version}" / f"bin-{host_digest()}"
    cli = folder / "pulumi"
    if works(cli):
        return cli
    say(f"Installing the Python language host beside the CLI in {folder} ...")
    staging = Path(tempfile.mkdtemp(prefix="bin-", dir=folder.parent))
    os.link(binary, staging / "pulumi")  # a copy, not a symlink: the CLI finds its bundled plugins beside itself
    for name in HOST_FILES:
        shutil.copy2(HOST_SOURCE / name, staging / name)
    launcher = staging / "pulumi-language-python"
    launcher.write_text(LAUNCHER)
    launcher.chmod(0o755)
    subprocess.run([sys.executable, "-m", "venv", str(staging / "hostenv")], check=True)
    subprocess.run([str(staging / "hostenv" / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    HOST_SDK_REQUIREMENT], check=True, stdout=sys.stderr)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return cli


def from_go(version: str) -> Path:
    with locked(cache_root() / f"go-v{version}.lock"):
        return bundle(version, go_build(version))


def ensure(version: str = PULUMI_VERSION, *, allow_path: bool = True) -> Path:
    if allow_path and (cli := from_path()) is not None:
        return cli
    if (cli := from_installer(version)) is not None:
        return cli
    cli = from_go(version)
    if not works(cli):
        raise Unavailable(f"{cli} was built but does not run")
    return cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", default=PULUMI_VERSION, help=f"the CLI version (default {PULUMI_VERSION})")
    parser.add_argument("--ignore-path", action="store_true", help="do not use a `pulumi` found on PATH")
    args = parser.parse_args(argv)
    try:
        cli = ensure(args.version, allow_path=not args.ignore_path)
    except Unavailable as exc:
        say(f"error: {exc}")
        return 1
    print(cli)
    return 0


if __name__ == "__main__":
    sys.exit(main())
