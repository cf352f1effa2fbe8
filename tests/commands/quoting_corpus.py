"""Templates x hostile values for the quoting tests and bench/bench_quoting.py.

Each template has the output a program prints when the value arrives exactly (``{}`` is the
value; None: no exactness claim) and whether the placeholder is text a nested interpreter parses.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Template:
    text: str
    shape: str | None  # expected stdout with {} for the value
    nested: bool = False


N = "\\0"  # printf's NUL separator, written into the template
TEMPLATES = [
    # Plain arguments and words of the top-level shell: the value must arrive byte-exact.
    Template(f"printf '%s{N}' {{{{v}}}}", "{}\0"),
    Template(f"printf '%s{N}' \"x{{{{v}}}}y\"", "x{}y\0"),
    Template(f"printf '%s{N}' 'x{{{{v}}}}y'", "x{}y\0"),
    Template(f"printf '%s{N}' x{{{{v}}}}y", "x{}y\0"),
    Template(f"printf '%s{N}' {{{{v}}}}{{{{v}}}}", "{}{}\0"),
    Template(f"printf '%s{N}' \"$(printf '%s.' {{{{v}}}})\"", "{}.\0"),
    Template(f"x=`printf %s. {{{{v}}}}`; printf '%s{N}' \"$x\"", "{}.\0"),
    Template(f"printf '%s{N}' \"${{UNSET_VAR:-{{{{v}}}}}}\"", "{}\0"),
    Template(f"printf '%s{N}' ${{UNSET_VAR:-{{{{v}}}}}}", "{}\0"),
    Template(f'printf \'%s{N}\' "${{UNSET_VAR:-"{{{{v}}}}"}}"', "{}\0"),
    Template(f"printf '%s{N}' \"${{HOME:+{{{{v}}}}}}\"", "{}\0"),
    Template(f"printf '%s{N}' \"cost: ${{{{v}}}}\"", "cost: ${}\0"),
    Template(f"cat <<< hi >/dev/null\nprintf '%s{N}' {{{{v}}}}", "{}\0"),
    Template(f"echo $((1<<2)) >/dev/null\nprintf '%s{N}' {{{{v}}}}", "{}\0"),
    Template(f"printf '%s{N}' ok # note {{{{v}}}}", "ok\0"),
    Template(f"printf '%s{N}' ok # note {{{{v}}}}\nprintf '%s{N}' {{{{v}}}}", "ok\0{}\0"),
    Template(f"printf '%s{N}' $'a\\t{{{{v}}}}b'", "a\t{}b\0"),
    Template(f"printf '%s{N}' $\"loc {{{{v}}}}\"", "loc {}\0"),
    Template(f"printf '%s{N}' \"$(case x in x) printf '%s.' {{{{v}}}};; esac)\"", "{}.\0"),
    Template(f"printf '%s{N}' \"a $(printf '%s.' \"[{{{{v}}}}]\") b\"", "a [{}]. b\0"),
    Template(f"printf '%s{N}' \"`printf '%s.' {{{{v}}}}`\"", "{}.\0"),
    Template("cat <<END!\n{{v}}\nEND!", "{}\n"),
    Template("cat <<EOF\nx {{v}} y\nEOF", "x {} y\n"),
    Template("cat <<-EOF\n\t{{v}}\n\tEOF", "{}\n"),
    Template("cat <<'EOF'\n{{v}}\nEOF", "{}\n"),
    Template("cat <<< {{v}}", "{}\n"),
    Template('cat <<< "x{{v}}"', "x{}\n"),
    Template(f"f() {{ printf '%s{N}' \"$1\"; }}; f {{{{v}}}}", "{}\0"),
    Template(f"for i in {{{{v}}}}; do printf '%s{N}' \"$i\"; done", "{}\0"),
    Template(f"if true; then printf '%s{N}' {{{{v}}}}; fi", "{}\0"),
    Template(f"printf '%s{N}' {{{{v}}}} | cat", "{}\0"),
    Template(f"arr=(a {{{{v}}}}); printf '%s{N}' \"${{arr[1]}}\"", "{}\0"),
    Template(f"x={{{{v}}}}; printf '%s{N}' \"$x\"", "{}\0"),
    Template(f"[[ {{{{v}}}} == {{{{v}}}} ]] && printf '%s{N}' same", "same\0"),
    Template(f"case {{{{v}}}} in *) printf '%s{N}' {{{{v}}}};; esac", "{}\0"),
    Template(f'bash -c \'printf "%s{N}" "$1"\' _ {{{{v}}}}', "{}\0"),
    Template(f"(printf '%s{N}' {{{{v}}}})", "{}\0"),
    Template(f"{{ printf '%s{N}' {{{{v}}}}; }}", "{}\0"),
    Template(f"printf '%s{N}' {{{{v}}}} && printf '%s{N}' \"{{{{v}}}}\"", "{}\0{}\0"),
    Template(f"export FOO={{{{v}}}}; printf '%s{N}' \"$FOO\"", "{}\0"),
    Template(f"declare -a x=({{{{v}}}}); printf '%s{N}' \"${{x[0]}}\"", "{}\0"),
    Template(f'printf \'%s{N}\' "${{UNSET#{{{{v}}}}}}" "${{HOME/{{{{v}}}}/}}" >/dev/null', None),
    # Text a nested interpreter parses: detected, and only run after a typed confirmation.
    Template(f"bash -c 'printf \"%s{N}\" {{{{v}}}}'", None, nested=True),
    Template(f"sh -c \"printf '%s{N}' {{{{v}}}}\"", None, nested=True),
    Template(f"eval \"printf '%s{N}' {{{{v}}}}\"", None, nested=True),
    Template("ssh -o BatchMode=yes localhost 'echo {{v}}'", None, nested=True),
    Template("su -c 'echo {{v}}'", None, nested=True),
    Template("python3 -c 'print(\"{{v}}\")'", None, nested=True),
    Template("perl -e 'print \"{{v}}\"'", None, nested=True),
    Template("awk 'BEGIN { system(\"echo {{v}}\") }'", None, nested=True),
    Template("echo x | sed 's/x/{{v}}/e'", None, nested=True),
    Template("echo x | xargs sh -c 'echo {{v}}'", None, nested=True),
    Template("find /dev/null -exec sh -c 'echo {{v}}' \\;", None, nested=True),
    Template("echo {{v}} | bash", None, nested=True),
    Template("bash <<EOF\necho {{v}}\nEOF", None, nested=True),
    Template("echo $(( {{v}} + 1 ))", None, nested=True),
    Template("[[ {{v}} -eq 1 ]] && echo one", None, nested=True),
    # Names and offsets that bash evaluates as arithmetic, and a value chosen as the program.
    Template("export {{v}}", None, nested=True),
    Template("printf -v {{v}} %s x", None, nested=True),
    Template("x=abc; echo ${x:{{v}}}", None, nested=True),
    Template("arr[{{v}}]=1", None, nested=True),
    Template("[[ -v {{v}} ]]", None, nested=True),
    Template("{{v}} --version", None, nested=True),
]

# {m} is replaced by the path of a file that must never be created.
VALUES = [
    "; touch {m}",
    "$(touch {m})",
    "`touch {m}`",
    "x`;touch {m};`y",
    "x\ntouch {m}",
    "' ; touch {m} ; '",
    '" ; touch {m} ; "',
    "\\'; touch {m}; echo \\'",
    "$(touch {m})\\",
    "a | touch {m}",
    "&& touch {m}",
    "${IFS}; touch {m}",
    ")$(touch {m})(",
    "$'\\n'touch {m}",
    "a[$(touch {m})]",
    "x\nEOF\ntouch {m}",
    "END!\ntouch {m}",
    "*",
    "-n",
    "--help",
    "EOF",
    "ünïcødé ☃ 日本",
    "",
    "  lead and trail  ",
    "a\tb\nc",
    "}",
    "\\",
    "!!",
    "~",
    "{a,b}",
    "\n",
    "$HOME",
    "${FORGE_VAR_v}",
]


def hostile(raw: str, marker: str) -> str:
    return raw.replace("{m}", marker)


def expected(shape: str, value: str) -> bytes:
    return value.join(shape.split("{}")).encode()


def run_bash(command: str, env: dict[str, str], cwd: Path) -> bytes:
    """stdout of real bash running `command` (what the runner does, minus the bookkeeping)."""
    full = {**os.environ, "HOME": str(cwd), **env}
    done = subprocess.run(
        ["bash", "-c", command], env=full, cwd=cwd, capture_output=True, timeout=20, check=False
    )
    return done.stdout
