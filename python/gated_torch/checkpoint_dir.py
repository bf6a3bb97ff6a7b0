"""Checkpoint directories as `@gated/seq2seq/node` writes and reads them (`node.ts`,
`checkpoint-folders.ts`), so that either side can resume from, or serve, the other's saves:

    dir                          the checkpoint
    dir.partial-<pid>-<token>    a save being written by process <pid>
    dir.previous-<pid>-<token>   the checkpoint that save moved aside, between its two renames

A folder is complete once it holds `.checkpoint-generation` ({"generation": n}), written last;
a reader takes the complete folder with the highest generation."""
import json
import os
import re
import secrets
import shutil
import time

GENERATION_MARKER = ".checkpoint-generation"
_SIBLING = re.compile(r"^(partial|previous)-(\d+)-[0-9a-z]+$")


def read_generation(folder):
    try:
        path = os.path.join(folder, GENERATION_MARKER)
        if not os.path.isfile(path) or os.path.islink(path):
            return None
        with open(path, encoding="utf-8") as f:
            generation = json.load(f).get("generation")
        return generation if isinstance(generation, int) and not isinstance(generation, bool) and generation > 0 else None
    except (OSError, ValueError, AttributeError):
        return None


def _siblings(target):
    parent, prefix = os.path.dirname(target) or ".", os.path.basename(target) + "."
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    found = []
    for name in names:
        match = _SIBLING.match(name[len(prefix):]) if name.startswith(prefix) else None
        if match:
            path = os.path.join(parent, name)
            found.append({"path": path, "kind": match[1], "pid": int(match[2]), "generation": read_generation(path)})
    return found


def _running(pid):
    try:
        os.kill(pid, 0)
        return True
    except PermissionError:
        return True
    except OSError:
        return False


def _write_durably(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path):
    try:
        os.remove(os.path.join(path, GENERATION_MARKER))  # marker first: a cut removal is never "complete"
    except OSError:
        pass
    shutil.rmtree(path, ignore_errors=True)


def _token():
    return f"{int(time.time() * 1000):x}{secrets.token_hex(3)}"


def write_checkpoint(directory, files):
    """Writes {name: bytes} into `directory` so that a crash at any point leaves a complete
    checkpoint there (this one or the one before): a fresh partial folder, flushed, marked with
    the next generation, then two renames; debris of dead processes' saves is removed."""
    target = os.path.realpath(directory)
    for name in files:
        if name != os.path.basename(name) or name.startswith("."):
            raise ValueError(f"write_checkpoint: '{name}' is not a plain file name")
    if os.path.lexists(target) and not os.path.isdir(target):
        raise ValueError(f"write_checkpoint: {target} is not a checkpoint directory")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    siblings = _siblings(target)
    generation = 1 + max([read_generation(target) or 0] + [s["generation"] or 0 for s in siblings])
    suffix = f"{os.getpid()}-{_token()}"
    partial, previous = f"{target}.partial-{suffix}", f"{target}.previous-{suffix}"
    os.mkdir(partial)
    try:
        for name, data in files.items():
            _write_durably(os.path.join(partial, name), data)
        _write_durably(os.path.join(partial, GENERATION_MARKER), (json.dumps({"generation": generation}) + "\n").encode())
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    existed = os.path.isdir(target)
    if existed:
        os.rename(target, previous)
    os.rename(partial, target)
    fd = os.open(os.path.dirname(target), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    for folder in _siblings(target):
        if folder["pid"] == os.getpid() or not _running(folder["pid"]):
            _remove(folder["path"])


def _newest_complete(target):
    if os.path.lexists(target) and not os.path.isdir(target):
        raise ValueError(f"read_checkpoint: {target} is not a checkpoint directory")
    siblings = _siblings(target)
    best = target if os.path.isdir(target) else None
    best_generation = (read_generation(target) or 0) if best else -1
    for folder in siblings:
        if folder["generation"] is not None and folder["generation"] > best_generation:
            best, best_generation = folder["path"], folder["generation"]
    if best:
        return best
    unmarked = [s for s in siblings if s["kind"] == "previous"]
    if len(unmarked) == 1:
        return unmarked[0]["path"]
    raise FileNotFoundError(f"read_checkpoint: no checkpoint at {target}")


def read_checkpoint(directory):
    """{name: bytes} of the newest complete checkpoint folder at `directory` (checked when
    loaded). Links and special files inside are refused; dotfiles and subfolders are skipped."""
    target = os.path.realpath(directory)
    for attempt in range(3):
        folder = _newest_complete(target)
        try:
            files = {}
            for name in os.listdir(folder):
                path = os.path.join(folder, name)
                if name.startswith(".") or (os.path.isdir(path) and not os.path.islink(path)):
                    continue
                if os.path.islink(path):
                    raise ValueError(f"read_checkpoint: {path} is a symbolic link; a checkpoint holds plain files")
                if not os.path.isfile(path):
                    raise ValueError(f"read_checkpoint: {path} is not a regular file")
                with open(path, "rb") as f:
                    files[name] = f.read()
            return files
        except FileNotFoundError:
            if attempt == 2:
                raise  # a save renamed the folder away between listing and reading it, three times
