"""plotly.js for the HTML reports: the smallest official bundle that draws their charts.

The reports draw scatter and bar charts only (``conflictsim.figures``), so instead of the
whole of plotly.js (4.8 MB) they carry its official partial bundle "basic" (bar, pie and
scatter traces: ``plotly.js-basic-dist-min`` on npm, 1.1 MB), stored gzip-compressed in
``conflictsim/data/plotly/`` (its README gives the source, version and licence). A page
holds it base64-encoded (0.5 MB) and the browser unpacks it (``DecompressionStream``, in
every current browser) before the charts are drawn: a report stays one file that opens
offline and can be mailed.

Until plotly.js is unpacked, ``Plotly`` is a stand-in whose calls wait for it, in the
order they were made, so the charts' own scripts (``Figure.to_html``) run unchanged. If
the installed plotly for Python embeds another major or minor version of plotly.js than
the bundle (its figures are written for that version), the whole library it embeds is
inlined instead, as before: larger, but drawn by the version the figures were made for.
"""

from __future__ import annotations

import base64
from pathlib import Path

from plotly.offline import get_plotlyjs, get_plotlyjs_version

#: The stored bundle (gzip of ``plotly-basic.min.js``).
BUNDLE = Path(__file__).resolve().parents[1] / "data" / "plotly" / "plotly-basic.min.js.gz"
#: Its plotly.js version (the README says where it comes from).
VERSION = "3.7.0"
#: The trace types it can draw; every figure of a report must use only these.
TRACES = frozenset({"bar", "pie", "scatter"})

#: ``Plotly`` until the library is ready: each call waits for it (the order is kept).
_STAND_IN = """
(function () {
  var settle = {};
  var ready = new Promise(function (resolve, reject) {
    settle.resolve = resolve;
    settle.reject = reject;
  });
  window.conflictsimPlotly = settle;
  window.Plotly = new Proxy({}, {
    get: function (target, name) {
      return function () {
        var args = arguments;
        return ready.then(function (P) { return P[name].apply(P, args); });
      };
    }
  });
})();
"""

#: Unpacks the library from the element ``#plotly-js-gz`` and runs it, then draws.
_LOADER = """
(function () {
  var settle = window.conflictsimPlotly;
  function fail(error) {
    var say = function () {
      var p = document.createElement('p');
      p.className = 'note';
      p.textContent = 'The charts could not be drawn: this browser cannot unpack them ' +
        '(they need DecompressionStream: Chrome or Edge 80, Firefox 113, Safari 16.4 or ' +
        'later). Every table and download is here all the same.';
      document.body.insertBefore(p, document.body.firstChild);
    };
    if (document.body) { say(); } else { document.addEventListener('DOMContentLoaded', say); }
    settle.reject(error);
  }
  try {
    var text = atob(document.getElementById('plotly-js-gz').textContent.trim());
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    var code = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    new Response(code).text().then(function (source) {
      var script = document.createElement('script');
      script.textContent = source;  // sets window.Plotly to the library itself
      document.head.appendChild(script);
      settle.resolve(window.Plotly);
    }).catch(fail);
  } catch (error) {
    fail(error);
  }
})();
"""


def bundled() -> bool:
    """Whether the stored bundle suits the installed plotly (same major and minor version).

    plotly for Python writes each figure for the plotly.js version it embeds.
    """
    return get_plotlyjs_version().split(".")[:2] == VERSION.split(".")[:2]


def plotly_script() -> str:
    """The ``<script>`` elements that give a page plotly.js (for its ``<head>``).

    The stored basic bundle compressed, with the stand-in and the loader; or, when the
    installed plotly is of another version (``bundled``), the whole library it embeds.
    """
    if not bundled():
        return f"<script type='text/javascript'>{get_plotlyjs()}</script>"
    data = base64.b64encode(BUNDLE.read_bytes()).decode("ascii")
    return (
        f"<script type='text/javascript'>{_STAND_IN}</script>"
        # Not JavaScript (so not run): the compressed library, read by the loader.
        f"<script type='application/gzip' id='plotly-js-gz'>{data}</script>"
        f"<script type='text/javascript'>{_LOADER}</script>"
    )
