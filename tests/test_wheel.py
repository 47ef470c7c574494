"""The package as users install it: a wheel built from the repository, installed into a fresh
virtual environment, builds the real content (the default theme and the preview script are
package data)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile

import pytest

from .conftest import CONTENT, REPO


def test_every_package_folder_is_listed_in_pyproject():
    """pyproject.toml lists the packages (a find cannot map themes/ into the package)."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    folders = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "sitegen").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert folders - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_environment_builds_the_real_content(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(wheels), str(REPO)],
                   check=True, capture_output=True, cwd=tmp_path)
    [wheel] = wheels.glob("sitegen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    theme = {"sitegen/themes/" + p.relative_to(REPO / "themes").as_posix() for p in (REPO / "themes" / "default").rglob("*")
             if p.is_file()}
    assert "sitegen/themes/default/templates/base.html" in theme and theme | {"sitegen/preview/preview.js"} <= names
    venv = tmp_path / "venv"
    # The fresh environment borrows this one's installed dependencies (no download) through a
    # .pth file, which does not run the .pth hooks there: this checkout's editable sitegen stays out.
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    site_packages = subprocess.run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   capture_output=True, text=True, check=True).stdout.strip()
    pth = next((venv / "lib").glob("python3*")) / "site-packages" / "outer.pth"
    pth.write_text(site_packages + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)], check=True)
    site = tmp_path / "site"  # no themes/ beside the content: the default theme comes from the package
    shutil.copytree(CONTENT, site / "content")
    where = subprocess.run([str(python), "-c", "import sitegen, sitegen.theme; print(sitegen.__file__, sitegen.theme.DEFAULT_THEME)"],
                           capture_output=True, text=True, check=True, cwd=site).stdout
    assert str(REPO) not in where and str(venv) in where
    result = subprocess.run([str(venv / "bin" / "sitegen"), "build"], capture_output=True, text=True, cwd=site)
    assert result.returncode == 0, result.stderr
    output = site / "output"
    assert (output / "index.html").is_file() and list((output / "assets").glob("style.*.css"))
    assert list((output / "assets").glob("plotly.*.js"))  # the vendored bundle is package data too
    assert (output / "units" / "dingxi-zfw" / "2023" / "final-accounts" / "index.html").is_file()
    assert (output / "pagefind").is_dir()
