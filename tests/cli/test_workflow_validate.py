"""`plp workflow validate` on odd YAML: one `Error:` line naming the file and the line, never a traceback."""

from __future__ import annotations

import pytest

from plp.workflow import shipped_dir
from tests.conftest import assert_one_line_error

pytestmark = pytest.mark.no_database  # checks workflow files, opens no database

ODD = {
    "list-key.yaml": ("name: x\n? [a, b]\n: c\n", 2, "a key must be a name, not a list"),
    "number-name.yaml": ("name: 12\n", 1, "name: Input should be a valid string"),
    "nul.yaml": ("name: x\nversion: 1\nlabels: a\x00\n", 3, "invalid YAML: character U+0000 is not allowed"),
    "bool-key.yaml": ("name: x\nyes: 1\n", 2, "key 'yes' is read as true/false"),
}


def test_a_list_as_a_key_is_one_error_line_with_file_and_line_from_the_installed_command(plp_bin, tmp_path):
    text = (shipped_dir() / "plp.yaml").read_text(encoding="utf-8") + "? [a, b]\n: c\n"
    line = text.count("\n") - 1
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    result = plp_bin("workflow", "validate", str(path))
    first = f"{path}:{line}: a key must be a name, not a list"
    assert_one_line_error(result, contains=f"has 1 problem(s); the first: {first}")
    assert result.out.splitlines() == [f"{path}:{line}: a key must be a name, not a list"]


@pytest.mark.parametrize("name", list(ODD))
def test_odd_yaml_gives_one_error_line_with_the_first_problem_and_its_line(cli, tmp_path, name):
    text, line, message = ODD[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = cli("workflow", "validate", str(path))
    assert_one_line_error(result, contains="problem(s); the first:")
    assert f"{path}:{line}: {message}" in result.err + result.out
