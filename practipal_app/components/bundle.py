"""How the built frontend is cut into files: fewer, shared ones, so a phone opening the portal makes
a dozen requests instead of fifty.

Left alone, the bundler (Vite's rolldown) makes one chunk per set of pages sharing a module: every
Radix component, every lucide icon and each slice of Reflex's own code became a file of its own,
53 scripts for `/portal` (10 for a bare Reflex app). On a phone link each one queues behind the
browser's six connections and pays the round trip. `ChunkingPlugin` adds groups to the generated
`vite.config.js` (rolldown's `output.codeSplitting.groups`):

- `vendor`: the libraries every page loads (React, React Router, Radix, Emotion, socket.io),
  one file. Libraries only some pages load lazily stay out of it (plotly for the charts, and
  lucide's full icon set behind the dynamic icon component), and so do libraries of therapist
  pages only (react-dropzone for uploads), so the portal never downloads them.
- `icons`: the icons that more than one page draws, one small file, never the full set.
- `reflex`: Reflex's runtime (`.web/utils`: state, event loop, contexts, shared components).
"""

from __future__ import annotations

import reflex as rx

VITE_CONFIG = "vite.config.js"
MARKER = "// practipal: chunk groups"
#: Where the groups go: the generated config's own list (it holds Reflex's `reflex-env` group).
ANCHOR = "codeSplitting: {\n          groups: ["
#: Libraries left to the bundler's own splitting: lazy-loaded, or used by therapist pages only.
NOT_VENDOR = (
    "plotly\\.js[^\\\\/]*",
    "react-plotly\\.js",
    "mergician",
    "lucide-react",
    "react-dropzone",
)
GROUPS = f"""
            {MARKER}
            {{
              name: "vendor",
              test: /node_modules[\\\\/](?!(?:{"|".join(NOT_VENDOR)})[\\\\/])/,
              priority: 20,
            }},
            {{
              name: "icons",
              test: /node_modules[\\\\/]lucide-react[\\\\/]/,
              minShareCount: 2,
              priority: 15,
            }},
            {{
              name: "reflex",
              test: /[\\\\/]\\.web[\\\\/]utils[\\\\/]/,
              priority: 10,
            }},"""


def with_chunk_groups(vite_config: str) -> str:
    """The generated Vite config with our groups added (once: the file outlives a build)."""
    if MARKER in vite_config:
        return vite_config
    if ANCHOR not in vite_config:
        raise ValueError(f"{VITE_CONFIG} has no `{ANCHOR}`: Reflex changed its Vite template")
    return vite_config.replace(ANCHOR, ANCHOR + GROUPS, 1)


class ChunkingPlugin(rx.plugins.Plugin):
    """Adds the chunk groups above to `.web/vite.config.js` when the app is compiled."""

    def pre_compile(self, **context) -> None:
        context["add_modify_task"](VITE_CONFIG, with_chunk_groups)
