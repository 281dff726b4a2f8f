import Mustache

/// The HTML report's Mustache template: one page, its style, its charts (inline SVG) and a few
/// lines of script (sorting and filtering the failures), nothing loaded from anywhere. The
/// Content-Security-Policy forbids every request, so that not even a hostile value could make one.
enum HTMLTemplate {
    static let page = parse(text)
    /// The templates the page includes as partials: `{{> columnChart}}` draws a ``ColumnChart``.
    static let partials = MustacheLibrary(templates: ["columnChart": parse(columnChart)])

    private static func parse(_ text: String) -> MustacheTemplate {
        do { return try MustacheTemplate(string: text) } catch { preconditionFailure("the HTML report's template does not parse: \(error)") }
    }

    /// A ``ColumnChart``: its columns over the axis, the largest value at the top, the ticks under it.
    static let columnChart = #"""
<svg id="{{svgID}}" width="100%" viewBox="0 0 760 200" role="img" aria-label="{{summary}}">
<line class="axis" x1="40" y1="176" x2="720" y2="176"></line><text x="44" y="12">{{peak}}</text>
{{#columns}}<rect class="column" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"><title>{{title}}</title></rect>
{{/columns}}{{#ticks}}<text x="{{x}}" y="194" text-anchor="middle">{{label}}</text>
{{/ticks}}</svg>

"""#

    static let text = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>verify: {{verdict}}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 0; background: #f6f8fa; }
main { max-width: 1180px; margin: 0 auto; padding: 0 24px 40px; }
header { padding: 22px 24px; color: #fff; }
header.ok { background: #1a7f37; } header.bad { background: #b42318; }
header h1 { margin: 0 auto 10px; max-width: 1180px; font-size: 24px; }
.counts { display: flex; gap: 28px; margin: 0 auto; padding: 0; list-style: none; max-width: 1180px; }
.counts .n { display: block; font-size: 26px; font-weight: 700; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; margin: 18px 0; padding: 14px 18px; }
h2 { font-size: 17px; margin: 0 0 10px; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 4px 10px 4px 0; vertical-align: top; }
.params th { color: #57606a; font-weight: 600; }
#failures { width: 100%; font-size: 13px; }
#failures thead th { border-bottom: 2px solid #d0d7de; white-space: nowrap; }
#failures tbody tr:nth-child(even) { background: #f6f8fa; }
#failures td.ref { font-family: ui-monospace, monospace; word-break: break-all; }
#failures td.num { text-align: right; }
th button { font: inherit; font-weight: 600; border: 0; background: none; padding: 0; cursor: pointer; color: #0550ae; }
th[aria-sort=ascending] button::after { content: " \25B2"; } th[aria-sort=descending] button::after { content: " \25BC"; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 0 18px; }
.grid section { margin: 18px 0 0; }
svg text { font: 12px system-ui, sans-serif; fill: #1f2328; }
.bar.good rect { fill: #2da44e; } .bar.error rect { fill: #cf222e; } .bar.timeout rect { fill: #bf8700; }
.column { fill: #0969da; } .axis { stroke: #57606a; }
.note { color: #57606a; }
.cap { background: #fff8c5; border: 1px solid #d4a72c; padding: 6px 10px; border-radius: 6px; }
</style>
</head>
<body>
<header class="{{#allGood}}ok{{/allGood}}{{^allGood}}bad{{/allGood}}">
<h1 id="verdict">{{verdict}}</h1>
<ul class="counts">
<li><span class="n" id="count-total">{{total}}</span> images</li>
<li><span class="n" id="count-good">{{good}}</span> good</li>
<li><span class="n" id="count-error">{{errors}}</span> errors</li>
<li><span class="n" id="count-timeout">{{timeouts}}</span> timeouts</li>
</ul>
</header>
<main>
<div class="grid">
<section id="run">
<h2>The run</h2>
<table class="params">
{{#parameters}}<tr><th>{{name}}</th><td>{{value}}</td></tr>
{{/parameters}}</table>
{{#skippedLines}}<p class="note">{{.}} lines of results.jsonl are no record, and are left out.</p>{{/skippedLines}}
</section>
<section id="repositories">
<h2>Repositories with the most failures</h2>
<table>
{{#repositories}}<tr><td class="num">{{value}}</td><td>{{name}}</td></tr>
{{/repositories}}</table>
{{^repositories}}<p class="note">None.</p>{{/repositories}}
</section>
</div>
{{#categoryChart}}
<section id="categories">
<h2>Images by status and category</h2>
<svg id="category-chart" width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="Images by status and category">
{{#bars}}<g class="bar {{kind}}" data-label="{{label}}" data-count="{{count}}"><title>{{title}}: {{count}}</title><text x="0" y="{{textY}}">{{label}}</text><rect x="{{barX}}" y="{{y}}" width="{{width}}" height="18" rx="2"></rect><text x="{{countX}}" y="{{textY}}">{{count}}</text></g>
{{/bars}}</svg>
{{/categoryChart}}
{{#reasonChart}}
<h2>The most frequent reasons</h2>
{{^bars}}<p class="note">No failures.</p>{{/bars}}
<svg id="reason-chart" width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="The most frequent reasons">
{{#bars}}<g class="bar {{kind}}" data-count="{{count}}"><title>{{title}}: {{count}}</title><text x="0" y="{{textY}}">{{label}}</text><rect x="{{barX}}" y="{{y}}" width="{{width}}" height="18" rx="2"></rect><text x="{{countX}}" y="{{textY}}">{{count}}</text></g>
{{/bars}}</svg>
</section>
{{/reasonChart}}
<div class="grid">
{{#durationChart}}
<section id="durations">
<h2>How long each image took (log scale)</h2>
{{#isEmpty}}<p class="note">No images.</p>{{/isEmpty}}
{{> columnChart}}
</section>
{{/durationChart}}
{{#throughputChart}}
<section id="throughput">
<h2>Images finished per minute (one bar a {{throughputBin}})</h2>
{{#isEmpty}}<p class="note">No times recorded.</p>{{/isEmpty}}
{{> columnChart}}
</section>
{{/throughputChart}}
</div>
<section id="failures-section">
<h2>Failures ({{failureCount}})</h2>
{{#capped}}<p class="cap" id="cap-note">Showing the first {{shown}} of {{failureCount}} failures, by category then reference. Every failure is listed in error_image.txt and timeout_image.txt, and recorded in results.jsonl.</p>{{/capped}}
<p id="filter" hidden><label>Category <select id="category-filter"><option value="">all</option>{{#categories}}<option>{{.}}</option>{{/categories}}</select></label> <span id="shown-count" class="note"></span></p>
{{^failures}}<p class="note">None: every image is good.</p>{{/failures}}
{{#hasFailures}}
<table id="failures">
<thead><tr><th>Reference</th><th>Category</th><th>Reason</th><th>Attempts</th><th>Duration</th></tr></thead>
<tbody>
{{/hasFailures}}
{{#failures}}<tr data-category="{{category}}"><td class="ref">{{reference}}</td><td>{{category}}</td><td>{{message}}</td><td class="num" data-sort="{{attempts}}">{{attempts}}</td><td class="num" data-sort="{{durationMs}}">{{duration}}</td></tr>
{{/failures}}
{{#hasFailures}}
</tbody>
</table>
{{/hasFailures}}
</section>
<p class="note">Made by verify report from results.jsonl (the newest record of each reference).</p>
</main>
<script>
(function () {
  var table = document.getElementById("failures");
  var filter = document.getElementById("filter");
  var select = document.getElementById("category-filter");
  if (table) {
    var body = table.tBodies[0];
    var apply = function () {
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        row.hidden = select.value !== "" && row.getAttribute("data-category") !== select.value;
        if (!row.hidden) { shown += 1; }
      });
      document.getElementById("shown-count").textContent = shown + " shown";
    };
    filter.hidden = false;
    select.addEventListener("change", apply);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = cell.textContent;
      cell.textContent = "";
      cell.appendChild(button);
      button.addEventListener("click", function () {
        var descending = cell.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute("aria-sort"); });
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column], y = b.cells[column];
          var order = x.hasAttribute("data-sort") ? Number(x.getAttribute("data-sort")) - Number(y.getAttribute("data-sort"))
            : x.textContent.localeCompare(y.textContent);
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        cell.setAttribute("aria-sort", descending ? "descending" : "ascending");
      });
    });
    apply();
  }
  document.documentElement.setAttribute("data-script", "ready");
})();
</script>
</body>
</html>
"""#
}
