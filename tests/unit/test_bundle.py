"""The chunk groups the build adds to Reflex's generated Vite config (components/bundle.py)."""

from __future__ import annotations

import pytest

from practipal_app.components import bundle

#: The part of Reflex 0.10's generated vite.config.js the groups go into.
GENERATED = """\
    rollupOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              test: /env.json/,
              name: "reflex-env",
            },
          ],
        },
      },
    },
"""


def test_the_groups_go_before_reflexs_own_and_keep_it():
    config = bundle.with_chunk_groups(GENERATED)
    for name in ("vendor", "icons", "reflex", "reflex-env"):
        assert f'name: "{name}"' in config
    assert config.index('name: "vendor"') < config.index('name: "reflex-env"')


def test_adding_them_again_changes_nothing():
    """The config file outlives a build: the next compile modifies the modified file."""
    once = bundle.with_chunk_groups(GENERATED)
    assert bundle.with_chunk_groups(once) == once
    assert once.count('name: "vendor"') == 1


def test_a_changed_reflex_template_stops_the_build():
    with pytest.raises(ValueError, match="Vite template"):
        bundle.with_chunk_groups("export default defineConfig({});")


def test_lazy_and_therapist_only_libraries_stay_out_of_the_vendor_file():
    """plotly (the insights charts) and lucide's full icon set are loaded on demand; in the vendor
    file every page, the portal's included, would download them first."""
    config = bundle.with_chunk_groups(GENERATED)
    vendor_rule = next(line for line in config.splitlines() if "(?!" in line)
    for library in ("plotly", "react-plotly", "lucide-react", "react-dropzone"):
        assert library in vendor_rule
