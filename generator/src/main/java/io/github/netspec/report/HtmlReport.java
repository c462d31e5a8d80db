package io.github.netspec.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One self-contained HTML page for a build: for every network, its summary table, totals and diagram. No
 * script, no external stylesheet, font or image, and no timestamp, so the page opens from disk anywhere
 * and an unchanged build writes the same bytes.
 */
public final class HtmlReport {

    private static final String STYLE = """
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 36px; border-bottom: 1px solid #ccc; }
            nav li { margin: 2px 0; }
            table.summary { border-collapse: collapse; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace;
                            font-size: 12px; margin: 8px 0; }
            table.summary th, table.summary td { border: 1px solid #ddd; padding: 2px 8px; white-space: nowrap; }
            table.summary th { background: #f0f0f0; text-align: left; }
            table.summary td.number { text-align: right; }
            table.summary tbody tr:nth-child(even) { background: #fafafa; }
            .totals { font-size: 13px; } .diagram { overflow-x: auto; border: 1px solid #ddd; margin: 8px 0; }
            .file { color: #666; font-size: 13px; }
            """;

    private HtmlReport() {}

    /** @param title what the page is of, such as the Maven project's name */
    public static String render(String title, List<Diagram> diagrams) {
        StringBuilder out = new StringBuilder();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.append("<title>netspec: ").append(escape(title)).append("</title>\n");
        out.append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        out.append("<h1>netspec: ").append(escape(title)).append("</h1>\n");
        out.append("<nav><ul>\n");
        for (Diagram diagram : diagrams) {
            Summary summary = diagram.summary();
            out.append("<li><a href=\"#").append(anchor(summary)).append("\">").append(escape(summary.network()))
                    .append("</a>: ").append(summary.rows().size()).append(" layers, ")
                    .append(Cells.count(summary.totals().parameters())).append(" parameters, ")
                    .append(Cells.macs(summary.totals().macs())).append("</li>\n");
        }
        out.append("</ul></nav>\n");
        if (diagrams.isEmpty()) {
            out.append("<p>No networks.</p>\n");
        }
        diagrams.forEach(diagram -> network(out, diagram));
        return out.append("</body>\n</html>\n").toString();
    }

    private static void network(StringBuilder out, Diagram diagram) {
        Summary summary = diagram.summary();
        out.append("<section class=\"network\" id=\"").append(anchor(summary)).append("\">\n");
        out.append("<h2>").append(escape(summary.network())).append("</h2>\n");
        out.append("<p class=\"file\">").append(escape(summary.file())).append(':').append(summary.line())
                .append(": input ").append(Cells.shape(summary.inputShape())).append(", output ")
                .append(Cells.shape(summary.outputShape())).append("</p>\n");
        table(out, summary);
        out.append("<ul class=\"totals\">\n");
        Cells.footer(summary).forEach(line -> out.append("<li>").append(escape(line)).append("</li>\n"));
        out.append("</ul>\n<div class=\"diagram\">\n").append(SvgDiagram.render(diagram)).append("</div>\n</section>\n");
    }

    private static void table(StringBuilder out, Summary summary) {
        List<String> headers = new ArrayList<>(Cells.HEADERS);
        headers.set(Cells.HEADERS.indexOf("padding"), Cells.paddingHeader(summary));
        out.append("<table class=\"summary\">\n<thead><tr>");
        headers.forEach(header -> out.append("<th>").append(escape(header)).append("</th>"));
        out.append("</tr></thead>\n<tbody>\n");
        for (Summary.Row row : summary.rows()) {
            List<String> cells = Cells.row(row);
            out.append("<tr>");
            for (int column = 0; column < cells.size(); column++) {
                out.append(Cells.NUMERIC.get(column) ? "<td class=\"number\">" : "<td>").append(escape(cells.get(column)))
                        .append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    private static String anchor(Summary summary) {
        return "network-" + summary.network();
    }

    private static String escape(String text) {
        return SvgDiagram.escape(text);
    }
}
