package org.mnv2.jobs.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mnv2.jobs.run.JobRun;
import org.mnv2.jobs.storage.Json;
import org.slf4j.LoggerFactory;

/**
 * A self-contained HTML page being written: styles, the sortable-table script, the data block and
 * the images all inline, so the file opens with no network. Every text that may come from a user's
 * file (category and file names) goes through {@link #text}, which escapes it.
 */
public final class Html {
  private static final String STYLE =
      """
      body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
      max-width:1320px;padding:0 16px 40px;color:#222}
      h1{font-size:22px;margin:18px 0 4px}h2{font-size:17px;margin:26px 0 8px;
      border-bottom:1px solid #ddd;padding-bottom:3px}
      .meta{color:#666;margin:0 0 8px}.note{color:#555;max-width:900px}
      table{border-collapse:collapse;font-variant-numeric:tabular-nums}
      th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
      th{background:#f4f4f4;position:sticky;top:0}td.name,th.name{text-align:left}
      table.sortable th{cursor:pointer}table.sortable th:after{content:" \\2195";color:#aaa}
      .scroll{max-height:420px;overflow:auto;display:inline-block;border:1px solid #ddd}
      .stats{display:flex;flex-wrap:wrap;gap:8px}.stat{border:1px solid #ddd;border-radius:4px;
      padding:6px 10px;min-width:90px}.stat b{display:block;font-size:18px}.stat span{color:#666}
      .charts{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0}
      figcaption{color:#555;font-size:12px;max-width:640px}
      .small{display:flex;flex-wrap:wrap;gap:6px}.small img{width:200px}
      .gallery{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #ddd;padding:6px;
      max-width:680px}.card .name{font-weight:600;word-break:break-all}
      .card img{display:block;max-width:100%}.row{display:flex;gap:4px}
      .legend span{display:inline-block;margin-right:12px}.sw{width:10px;height:10px;
      display:inline-block;margin-right:4px;vertical-align:middle}
      #check-failed{background:#fdd;padding:6px;display:none}
      """;

  private static final String SCRIPT =
      """
      (function(){
        function key(td){var v=td.getAttribute('data-value');
          if(v===null||v===''){return td.textContent;}var n=Number(v);return isNaN(n)?v:n;}
        document.querySelectorAll('table.sortable').forEach(function(table){
          table.querySelectorAll('th').forEach(function(th,col){
            th.addEventListener('click',function(){
              var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
              var asc=th.getAttribute('data-order')!=='asc';
              table.querySelectorAll('th').forEach(function(h){h.removeAttribute('data-order');});
              th.setAttribute('data-order',asc?'asc':'desc');
              rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);
                if(typeof x!==typeof y){x=String(x);y=String(y);}
                return (x<y?-1:x>y?1:0)*(asc?1:-1);});
              rows.forEach(function(r){body.appendChild(r);});
            });
          });
        });
        window.addEventListener('load',function(){
          var images=document.images,broken=0;
          for(var i=0;i<images.length;i++){
            if(!images[i].complete||images[i].naturalWidth===0){broken++;
              console.error('report: image did not load: '+images[i].alt);}}
          document.body.setAttribute('data-images',String(images.length));
          document.body.setAttribute('data-check',broken===0?'ok':'broken '+broken);
          if(broken>0){document.getElementById('check-failed').style.display='block';}
        });
      })();
      """;

  private final StringBuilder body = new StringBuilder();
  private final String title;

  public Html(String title) {
    this.title = title;
  }

  /** {@code value} escaped for HTML text and attribute values (quotes included). */
  public static String text(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(value.length() + 16);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * A number as the tables show it: 3 decimals, "-" for null or COCO's -1 ("nothing to average").
   */
  public static String number(Double value) {
    if (value == null || value == -1 || value.isNaN()) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }

  /** Raw HTML (already escaped where it holds names). */
  public Html raw(String html) {
    body.append(html).append('\n');
    return this;
  }

  public Html heading(String text) {
    return raw("<h2>" + text(text) + "</h2>");
  }

  public Html paragraph(String text) {
    return raw("<p class=\"note\">" + text(text) + "</p>");
  }

  /** A row of headline figures ("stat" boxes), with the full value in data-value. */
  public Html stats(Map<String, Double> values) {
    StringBuilder sb = new StringBuilder("<div class=\"stats\">");
    values.forEach(
        (name, v) ->
            sb.append("<div class=\"stat\" data-stat=\"")
                .append(text(name))
                .append("\" data-value=\"")
                .append(v == null ? "" : v.toString())
                .append("\"><b>")
                .append(number(v))
                .append("</b><span>")
                .append(text(name))
                .append("</span></div>"));
    return raw(sb.append("</div>").toString());
  }

  /**
   * A sortable table; each cell is a {@link Cell}: its shown text (escaped here) and the value
   * sorting (and the tests) read.
   */
  public Html table(String id, List<String> header, List<List<Cell>> rows) {
    StringBuilder sb = new StringBuilder("<div class=\"scroll\"><table class=\"sortable\" id=\"");
    sb.append(text(id)).append("\"><thead><tr>");
    for (int i = 0; i < header.size(); i++) {
      sb.append(i == 0 ? "<th class=\"name\">" : "<th>")
          .append(text(header.get(i)))
          .append("</th>");
    }
    sb.append("</tr></thead><tbody>");
    for (List<Cell> row : rows) {
      sb.append("<tr>");
      for (Cell c : row) {
        sb.append(c.name() ? "<td class=\"name\"" : "<td");
        if (c.value() != null) {
          sb.append(" data-value=\"").append(text(c.value())).append('"');
        }
        sb.append('>').append(text(c.shown())).append("</td>");
      }
      sb.append("</tr>");
    }
    return raw(sb.append("</tbody></table></div>").toString());
  }

  /** An inline image (a data: URI) with its caption. */
  public Html figure(String dataUri, String alt, String caption, int width) {
    return raw(
        "<figure><img src=\""
            + dataUri
            + "\" alt=\""
            + text(alt)
            + "\" width=\""
            + width
            + "\"><figcaption>"
            + text(caption)
            + "</figcaption></figure>");
  }

  /** The page: title, run line, body, the data block (JSON, also what the tests read back). */
  /** Writes the page as {@code report.html} of {@code run}'s output, logging how long it took. */
  public void write(JobRun run, String meta, Map<String, ?> data, long startNanos) {
    run.output().writeText("report.html", page(meta, data));
    LoggerFactory.getLogger(Html.class)
        .info(
            "Wrote {} in {} ms",
            run.output().child("report.html"),
            (System.nanoTime() - startNanos) / 1_000_000);
  }

  public String page(String meta, Map<String, ?> data) {
    // Inside <script>, "</" would end the block: JSON allows \\u003c for '<' in strings (the only
    // place '<' can appear in JSON).
    String json =
        Json.write(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>"
        + text(title)
        + "</title><style>"
        + STYLE
        + "</style></head>\n<body><div id=\"check-failed\">Some images of this report did not"
        + " load.</div><h1>"
        + text(title)
        + "</h1><p class=\"meta\">"
        + text(meta)
        + "</p>\n"
        + body
        + "<script type=\"application/json\" id=\"report-data\">"
        + json
        + "</script>\n<script>"
        + SCRIPT
        + "</script></body></html>\n";
  }

  /** A table cell: its text, the value it sorts by (null: the text), and whether it is a name. */
  public record Cell(String shown, String value, boolean name) {
    public static Cell name(String text) {
      return new Cell(text, text, true);
    }

    public static Cell number(Double v) {
      return new Cell(Html.number(v), v == null ? "" : v.toString(), false);
    }

    public static Cell count(long n) {
      return new Cell(Long.toString(n), Long.toString(n), false);
    }
  }
}
