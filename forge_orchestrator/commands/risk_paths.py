"""How bad it is to delete or overwrite a given path argument (as written, before expansion)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

SAFE = 0
CAUTION = 1
DANGEROUS = 2

# Top-level directories whose loss breaks the system or someone's home.
SYSTEM_TOP = {
    "bin", "boot", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "media", "mnt",
    "opt", "proc", "root", "run", "sbin", "snap", "srv", "sys", "usr", "var", "Applications",
    "Library", "System", "Users", "Volumes", "private",
}  # fmt: skip
# Anything under these is the operating system; writing there rewrites the system.
SYSTEM_WRITE = ("/etc", "/usr", "/boot", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
                "/sys", "/proc", "/System", "/Library")  # fmt: skip
# Directories for scratch files: deleting inside them (not them) is routine.
TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm", "/private/tmp")  # noqa: S108 (names, not files)
# Beyond SYSTEM_WRITE, system state that an overwrite or a permission change can break.
SYSTEM_STATE = ("/var", "/private/var")
_HARMLESS_DEV = re.compile(r"^/dev/(null|zero|stdout|stderr|stdin|tty|fd/\d+|full|random|urandom)$")
BLOCK_DEVICE = re.compile(
    r"^/dev/(sd[a-z]+\d*|hd[a-z]+\d*|vd[a-z]+\d*|xvd[a-z]+\d*|nvme\d+n\d+(p\d+)?|mmcblk\d+(p\d+)?"
    r"|md\d+|dm-\d+|loop\d+|mapper/.+|disk/.+|disk\d+(s\d+)?|rdisk\d+(s\d+)?|sr\d+|mem|kmem|port)$"
)
_VAR = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def normalize(path: str) -> str:
    """Collapse //, /./ and trailing slashes without touching globs or .. (they stay visible)."""
    if not path:
        return path
    absolute = path.startswith("/")
    if absolute:
        path = posixpath.normpath(path)
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not parts:
        return "/" if absolute else "."
    return ("/" if absolute else "") + "/".join(parts)


def is_block_device(path: str) -> bool:
    return bool(BLOCK_DEVICE.match(normalize(path)))


def is_harmless_device(path: str) -> bool:
    return bool(_HARMLESS_DEV.match(normalize(path)))


def _under(norm: str, roots: tuple[str, ...]) -> bool:
    return any(norm == root or norm.startswith(root + "/") for root in roots)


def under_system(path: str, *, state: bool = False) -> bool:
    """Under the system's programs and configuration (and, with `state`, /var and /root)."""
    norm = normalize(path)
    if _under(norm, SYSTEM_WRITE):
        return True
    return state and _under(norm, SYSTEM_STATE) and not is_temp(norm, inside=False)


def is_temp(path: str, *, inside: bool = True) -> bool:
    """In a scratch directory (strictly inside it unless `inside` is false)."""
    norm = normalize(path)
    return any(norm.startswith(t + "/") or (not inside and norm == t) for t in TEMP_DIRS)


def is_home(path: str) -> bool:
    """The home directory or anything in it, as written (~, ~user, $HOME, /home/x, /Users/x)."""
    norm = normalize(path)
    if re.match(r"^~[A-Za-z0-9_.-]*(/|$)", norm) or re.match(r"^\$\{?HOME\b", norm):
        return True
    parts = [p for p in norm.split("/") if p]
    return norm.startswith("/") and len(parts) >= 2 and parts[0] in ("home", "Users")


def write_severity(path: str) -> tuple[int, str]:
    """Writing (overwriting, appending, copying onto) `path`."""
    norm = normalize(path)
    if is_harmless_device(norm):
        return SAFE, ""
    if is_block_device(norm):
        return DANGEROUS, f"writes onto the block device {norm}, destroying its data"
    if norm.startswith("/usr/local/"):
        return CAUTION, f"writes into {norm}"
    if under_system(norm, state=True):
        return DANGEROUS, f"overwrites the system path {norm}"
    if norm.startswith(("~/.ssh", "$HOME/.ssh", "~/.bashrc", "~/.profile", "~/.zshrc")):
        return CAUTION, f"overwrites {norm}"
    return SAFE, ""


def _only_dots_and_globs(path: str) -> bool:
    parts = [p for p in path.split("/") if p]
    return bool(parts) and all(p in (".", "..", "*", ".*", "**") for p in parts)


def delete_severity(
    raw: str, assigned: Mapping[str, str | None], *, recursive: bool, depth: int = 0
) -> tuple[int, str]:
    """Deleting `raw` (an rm/find target as written); README.md states the policy."""
    if not raw:
        return SAFE, ""
    raw = _CWD_SUBST.sub(".", raw)
    if "$(" in raw or "`" in raw:
        return CAUTION, f"deletes paths computed by a command ({raw})"
    var = _VAR.match(raw)
    if var and depth < 4:
        return _variable_target(raw, var, assigned, recursive, depth)
    norm = normalize(raw)
    if re.fullmatch(r"~[A-Za-z0-9_.-]*(/(\*|\.\*))?", norm):
        return DANGEROUS, f"deletes the home directory ({raw})"
    if norm.startswith("~"):
        if recursive:
            return DANGEROUS, f"deletes {raw} recursively inside the home directory"
        return _glob_level(norm), f"deletes every matching file in {posixpath.dirname(norm)}"
    if norm.startswith("/"):
        return _absolute_target(raw, norm, recursive)
    if _only_dots_and_globs(norm):
        what = "everything in the current directory" if "*" in norm else "the current or a parent"
        return (
            DANGEROUS if recursive or norm.endswith("*") else CAUTION
        ), f"deletes {what} ({raw})"
    if recursive:
        return CAUTION, f"deletes {raw} recursively"
    if posixpath.basename(norm) in ("*", ".*"):
        return CAUTION, f"deletes every file in {posixpath.dirname(norm)}"
    return SAFE, ""


# $(pwd), `pwd` and $PWD name the current directory, so they are judged as "." would be.
_CWD_SUBST = re.compile(r"^(\$\(pwd(\s+-[LP])?\)|`pwd(\s+-[LP])?`)")


def _glob_level(norm: str) -> int:
    """Non-recursive deletion in a home or absolute directory: a glob there is caution."""
    return CAUTION if any(ch in posixpath.basename(norm) for ch in "*?[") else SAFE


def _absolute_target(raw: str, norm: str, recursive: bool) -> tuple[int, str]:
    parts = [p for p in norm.split("/") if p]
    if not parts or _only_dots_and_globs(norm):
        return DANGEROUS, f"deletes the whole filesystem ({raw})"
    if len(parts) == 1 and (parts[0] in SYSTEM_TOP or "*" in parts[0]):
        return DANGEROUS, f"deletes the system directory /{parts[0]}"
    if len(parts) == 2 and parts[0] in ("home", "Users", "root") and "." not in parts[1][:1]:
        return DANGEROUS, f"deletes a home directory ({raw})"
    if under_system(norm) or (len(parts) == 2 and parts[1] in ("*", ".*")):
        return DANGEROUS, f"deletes system files ({raw})"
    if recursive:
        if is_temp(norm):
            return CAUTION, f"deletes {raw} recursively"
        # Outside the scratch directories an absolute path is a system, home or data location.
        return DANGEROUS, f"deletes {raw} recursively (an absolute path outside /tmp)"
    if is_temp(norm):
        return SAFE, ""
    return _glob_level(norm), f"deletes every matching file in {posixpath.dirname(norm)}"


def _variable_target(
    raw: str,
    var: re.Match[str],
    assigned: Mapping[str, str | None],
    recursive: bool,
    depth: int,
) -> tuple[int, str]:
    name = var.group(1) or var.group(3) or ""
    modifier = var.group(2) or ""
    rest = raw[var.end() :]
    if name == "HOME":
        return delete_severity("~" + rest, assigned, recursive=recursive, depth=depth + 1)
    if name == "PWD":
        return delete_severity("." + rest, assigned, recursive=recursive, depth=depth + 1)
    if name in assigned:
        value = assigned[name]
        if value is None:  # a loop variable: its values come from the loop list
            return (CAUTION if recursive else SAFE), f"deletes ${name}{rest} for each loop value"
        if value and not value.startswith("$"):
            return delete_severity(value + rest, assigned, recursive=recursive, depth=depth + 1)
    if modifier.startswith((":?", "?")):
        return (CAUTION if recursive else SAFE), f"deletes a path built on ${name} ({raw})"
    if rest.startswith("/") or rest == "":
        level = DANGEROUS if rest.startswith("/") else CAUTION
        if not recursive:
            level = min(level, CAUTION)
        return level, (
            f"deletes a path built on ${name} ({raw}); if it is unset or empty this "
            f"becomes {normalize(rest) or 'nothing'}"
        )
    return (CAUTION if recursive else SAFE), f"deletes a path built on ${name} ({raw})"
