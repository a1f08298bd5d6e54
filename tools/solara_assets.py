"""Install Solara's CDN assets into Solara's local cache so dashboards work offline.

Solara's pages load their JavaScript and CSS (the Vuetify app, requirejs, the grid layout,
font-awesome) from a CDN at run time, through a proxy that keeps each file it fetched in a
cache folder, ``<sys.prefix>/share/solara/cdn/`` (``solara.server.settings.assets
.proxy_cache_dir``). Without internet access the page stays blank. The PyPI package
``solara-assets`` lags behind Solara and does not match recent versions, so this script
fills the cache from the npm registry instead: ``npm pack <name>@<version>`` and the
tarball unpacked into ``<cache>/<name>@<version>/``, which is the layout the proxy reads.

The packages and versions are read from the installed Solara (its page template, its grid
layout widget and its font-awesome setting); a fixed list known to be needed by Solara
1.64.1 fills any gap. Packages already present are skipped.

Run it with the virtualenv's python: ``.venv/bin/python tools/solara_assets.py``.
Exits non-zero with a message if solara is not installed, npm is missing, or a package
cannot be fetched.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# Needed by solara 1.64.1; used where the installed solara's sources do not say.
FALLBACK_PACKAGES: dict[str, str] = {
    "@widgetti/solara-vuetify-app": "10.1.1",
    "@widgetti/solara-vuetify3-app": "5.2.0",
    "@widgetti/vue-grid-layout": "2.3.13-alpha.2",
    "requirejs": "2.3.6",
    "font-awesome": "4.5.0",
}

# Files of the solara package whose CDN references a dashboard (Mesa's SolaraViz) needs:
# the page template and the grid layout widget. Components such as markdown math or echarts
# reference more packages (katex, mermaid, ...); add those with --extra if needed.
SCANNED_FILES: tuple[str, ...] = (
    "server/templates/solara.html.j2",
    "widgets/vue/gridlayout.vue",
    "widgets/vue/gridlayout_v3.vue",
)

# A CDN-relative reference: `{{cdn}}/name@1.2.3/path` (templates) or
# `${this.getCdn()}/name@1.2.3/path` (vue widgets).
CDN_REFERENCE = re.compile(
    r"(?:\{\{\s*cdn\s*\}\}|getCdn\(\)\})/"
    r"(?P<name>(?:@[\w.-]+/)?[\w.-]+)@(?P<version>\d+\.\d+\.\d+(?:-[\w.]+)?)"
    r"/(?P<path>[^\s\"'`<>]*)"
)
# `/name@1.2.3/path`, the form of solara's fontawesome_path setting
PATH_REFERENCE = re.compile(
    r"^/?(?P<name>(?:@[\w.-]+/)?[\w.-]+)@(?P<version>\d+\.\d+\.\d+(?:-[\w.]+)?)/(?P<path>.*)$"
)

# `{{ ipywidget_major_version }}` in the page template's asset paths
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")

# A package counts as installed when its package.json is there (Solara's proxy may have
# cached single files in the same folder; those do not count).
MARKER = "package.json"


def load_solara() -> tuple[Path, Path, str, str | None]:
    """Import the installed solara and read where and what it loads from its CDN.

    Returns:
        The solara package folder, the CDN cache folder, the solara version and the
        font-awesome path setting (None if this solara has none).

    Raises:
        SystemExit: solara is not installed in this interpreter.
    """
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    try:
        import solara
        import solara.server.settings as server_settings
    except ImportError as e:
        raise SystemExit(
            f"solara_assets.py: cannot import solara with {sys.executable} ({e}); "
            "install cogov's dashboard extra first (make .venv/.installed-test)"
        ) from e
    package_dir = Path(solara.__file__).parent
    cache_dir = Path(server_settings.assets.proxy_cache_dir)
    fontawesome = getattr(server_settings.assets, "fontawesome_path", None)
    return package_dir, cache_dir, solara.__version__, fontawesome


def _template_value(match: re.Match[str]) -> str:
    """Fill in a page template variable of an asset path where it is known.

    Args:
        match: A TEMPLATE_VARIABLE match.

    Returns:
        The value (the installed ipywidgets major version), or the text unchanged.
    """
    if match[1] == "ipywidget_major_version":
        try:
            import ipywidgets
        except ImportError:
            return match[0]
        return ipywidgets.__version__.split(".")[0]
    return match[0]


def find_references(package_dir: Path, fontawesome_path: str | None) -> set[tuple[str, str, str]]:
    """Collect the CDN references (name, version, path in package) of the installed solara.

    Args:
        package_dir: The installed solara package folder.
        fontawesome_path: Solara's font-awesome setting, like "/font-awesome@4.5.0/css/x.css".

    Returns:
        The references found; the path is "" where it could not be read in full.
    """
    references: set[tuple[str, str, str]] = set()
    for relative in SCANNED_FILES:
        source = package_dir / relative
        if not source.is_file():
            print(f"note: {source} not found; not scanned", file=sys.stderr)
            continue
        for match in CDN_REFERENCE.finditer(source.read_text(encoding="utf-8")):
            path = TEMPLATE_VARIABLE.sub(_template_value, match["path"])
            if "{" in path or "$" in path:
                path = ""  # a template part we cannot fill in: do not check this file
            references.add((match["name"], match["version"], path))
    if fontawesome_path:
        match = PATH_REFERENCE.match(fontawesome_path)
        if match:
            references.add((match["name"], match["version"], match["path"]))
    return references


def plan_packages(references: set[tuple[str, str, str]]) -> dict[str, set[str]]:
    """Decide which package versions to install.

    Every package version found in solara's sources is installed; a package of the fallback
    list that was not found at all is installed in its fallback version.

    Args:
        references: The references returned by find_references.

    Returns:
        Package name to the set of versions to install.
    """
    packages: dict[str, set[str]] = {}
    for name, version, _ in references:
        packages.setdefault(name, set()).add(version)
    for name, version in FALLBACK_PACKAGES.items():
        if name not in packages:
            print(f"note: {name} not found in solara's sources; using {version}", file=sys.stderr)
            packages[name] = {version}
    return packages


def extract_stripped(tarball: Path, destination: Path) -> None:
    """Unpack an npm tarball without its top folder (like tar --strip-components=1).

    Args:
        tarball: The .tgz file made by npm pack.
        destination: The folder to unpack into; created if missing.
    """
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball, "r:gz") as archive:
        members = []
        for member in archive.getmembers():
            parts = Path(member.name).parts[1:]
            if not parts or not (member.isfile() or member.isdir()):
                continue
            member.name = str(Path(*parts))
            members.append(member)
        archive.extractall(destination, members=members, filter="data")


def install_package(npm: str, cache_dir: Path, name: str, version: str) -> None:
    """Fetch one npm package and unpack it into the cache as <name>@<version>/.

    The package is unpacked into a temporary folder in the cache first and then moved in
    place, so an interrupted run leaves no folder that looks complete.

    Args:
        npm: The npm executable.
        cache_dir: Solara's CDN cache folder.
        name: The npm package name, possibly scoped ("@widgetti/...").
        version: The exact version.

    Raises:
        SystemExit: npm pack failed.
    """
    spec = f"{name}@{version}"
    target = cache_dir / spec
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".solara-assets-", dir=cache_dir) as tmp:
        tmp_dir = Path(tmp)
        result = subprocess.run(
            [npm, "pack", spec, "--silent"],
            cwd=tmp_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        tarballs = sorted(tmp_dir.glob("*.tgz"))
        if result.returncode != 0 or len(tarballs) != 1:
            raise SystemExit(
                f"solara_assets.py: `npm pack {spec}` failed (exit {result.returncode}):\n"
                f"{result.stderr.strip() or result.stdout.strip()}"
            )
        unpacked = tmp_dir / "package"
        extract_stripped(tarballs[0], unpacked)
        if target.exists():
            # files that solara's proxy cached earlier: complete them in place
            shutil.copytree(unpacked, target, dirs_exist_ok=True)
        else:
            os.replace(unpacked, target)


def check_files(cache_dir: Path, references: set[tuple[str, str, str]]) -> list[str]:
    """List the referenced files that are missing from the cache.

    Args:
        cache_dir: Solara's CDN cache folder.
        references: The references returned by find_references.

    Returns:
        The missing files, as "<name>@<version>/<path>".
    """
    missing = []
    for name, version, path in sorted(references):
        if path and not (cache_dir / f"{name}@{version}" / path).is_file():
            missing.append(f"{name}@{version}/{path}")
    return missing


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv: The arguments (None: sys.argv).

    Returns:
        The parsed options.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache-dir",
        type=Path,
        help="install here instead of solara's proxy cache folder",
    )
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="NAME@VERSION",
        help="another npm package to install (repeatable), e.g. katex@0.16.9",
    )
    parser.add_argument("--dry-run", action="store_true", help="only print what is needed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Install the assets; print what was done.

    Args:
        argv: The command line arguments (None: sys.argv).

    Returns:
        The exit status: 0 when every package is in place.
    """
    args = parse_args(argv)
    package_dir, cache_dir, solara_version, fontawesome = load_solara()
    cache_dir = args.cache_dir or cache_dir
    references = find_references(package_dir, fontawesome)
    packages = plan_packages(references)
    for extra in args.extra:
        name, sep, version = extra.rpartition("@")
        if not sep or not name:
            raise SystemExit(f"solara_assets.py: --extra wants NAME@VERSION, got {extra!r}")
        packages.setdefault(name, set()).add(version)

    print(f"solara {solara_version}: CDN cache {cache_dir}")
    needed = []
    for name in sorted(packages):
        for version in sorted(packages[name]):
            present = (cache_dir / f"{name}@{version}" / MARKER).is_file()
            print(f"  {name}@{version}: {'present' if present else 'to install'}")
            if not present:
                needed.append((name, version))
    if args.dry_run:
        return 0

    if needed:
        npm = shutil.which("npm")
        if npm is None:
            print(
                "solara_assets.py: npm is needed to fetch Solara's assets and was not found on "
                "PATH; install Node.js and npm (e.g. apt-get install -y npm) and run again",
                file=sys.stderr,
            )
            return 1
        cache_dir.mkdir(parents=True, exist_ok=True)
        for name, version in needed:
            print(f"  npm pack {name}@{version}", flush=True)
            install_package(npm, cache_dir, name, version)

    missing = check_files(cache_dir, references)
    if missing:
        print("solara_assets.py: referenced files are missing after install:", file=sys.stderr)
        for path in missing:
            print(f"  {path}", file=sys.stderr)
        return 1
    print("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
