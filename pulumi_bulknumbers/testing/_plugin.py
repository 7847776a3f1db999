"""The plugin child process: spawn it like the CLI's shim, read its port, drain its output."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Mapping, Sequence
from typing import IO

from pulumi_bulknumbers.testing.results import ProviderStartError

__all__ = ["PluginChild", "plugin_env"]


def plugin_env(
    project: str,
    config: Mapping[str, str],
    pythonpath: Sequence[str | os.PathLike[str]],
    extra: Mapping[str, str],
) -> dict[str, str]:
    """The engine's environment for a dynamic provider: ours plus PULUMI_PROJECT/PULUMI_CONFIG."""
    env = dict(os.environ)
    env.update(extra)
    env["PULUMI_PROJECT"] = project
    env["PULUMI_CONFIG"] = json.dumps(dict(config))
    paths = [os.fspath(p) for p in pythonpath]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


class PluginChild:
    """A child process whose first stdout line is its port; stdout/stderr are kept line by line."""

    def __init__(self, argv: Sequence[str], *, cwd: str | None, env: Mapping[str, str]) -> None:
        self._lock = threading.Lock()
        self._stdout: list[str] = []
        self._stderr: list[str] = []
        self._port_line = threading.Event()
        self._port: int | None = None
        self._proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        stdout, stderr = self._proc.stdout, self._proc.stderr
        self._readers = [
            threading.Thread(target=self._drain_stdout, args=(stdout,), daemon=True),
            threading.Thread(target=self._drain, args=(stderr, self._stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _drain_stdout(self, stream: IO[bytes]) -> None:
        first = stream.readline()
        try:
            self._port = int(first.strip())
        except ValueError:
            if first:
                self._append(self._stdout, first)
        self._port_line.set()
        self._drain(stream, self._stdout)

    def _drain(self, stream: IO[bytes], sink: list[str]) -> None:
        for raw in iter(stream.readline, b""):
            self._append(sink, raw)

    def _append(self, sink: list[str], raw: bytes) -> None:
        with self._lock:
            sink.append(raw.decode("utf-8", errors="replace").rstrip("\r\n"))

    def wait_for_port(self, timeout: float) -> int:
        """The port the plugin printed; ``ProviderStartError`` (with stderr) if it printed none."""
        if not self._port_line.wait(timeout) or self._port is None:
            self._readers[1].join(timeout=1.0)
            raise ProviderStartError(
                f"provider process printed no port (exit code {self._proc.poll()}); "
                f"stderr:\n" + "\n".join(self.stderr)
            )
        return self._port

    @property
    def stdout(self) -> list[str]:
        """Lines printed on stdout after the port line."""
        with self._lock:
            return list(self._stdout)

    @property
    def stderr(self) -> list[str]:
        """Lines printed on stderr."""
        with self._lock:
            return list(self._stderr)

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._proc.pid

    def poll(self) -> int | None:
        """The exit code, or None while it runs."""
        return self._proc.poll()

    def kill(self) -> None:
        """SIGKILL the child and reap it."""
        self._proc.kill()
        self._proc.wait()

    def close(self) -> None:
        """Terminate the child (kill it after 5 s), join the readers and close the pipes."""
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()
        for reader in self._readers:
            reader.join(timeout=5)
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()
