package io.github.netspec.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Draws a {@link Diagram} as a standalone SVG: a box per layer (name, layer, output shape; hover for the
 * summary's figures), an arrow per edge, and a legend of the edge kinds. Every style is an attribute, not a
 * stylesheet, so the picture is the same opened alone or inlined in the HTML report, and element ids carry
 * the network's name so several diagrams can share a page.
 */
public final class SvgDiagram {

    private static final double LEGEND_HEIGHT = 28;

    /** Fill colours by the kind of layer, so the eye finds the convolutions, the pooling and the merges. */
    private static final Map<String, String> FILLS = Map.ofEntries(
            Map.entry("input", "#e8e8e8"), Map.entry("conv2d", "#dbe9f8"), Map.entry("conv1d", "#dbe9f8"),
            Map.entry("depthwise", "#d3efef"), Map.entry("separable", "#d3efef"), Map.entry("maxpool", "#dcf1d8"),
            Map.entry("avgpool", "#dcf1d8"), Map.entry("globalavgpool", "#dcf1d8"),
            Map.entry("globalmaxpool", "#dcf1d8"), Map.entry("dense", "#fbe6cf"), Map.entry("batchnorm", "#f1e5f7"),
            Map.entry("add", "#fde2e2"), Map.entry("concat", "#fde2e2"));
    private static final String OTHER_FILL = "#f6f6f6";

    private static final Map<Summary.Edge, String> EDGE_COLOURS = Map.of(Summary.Edge.FLOW, "#555555",
            Summary.Edge.FROM, "#555555", Summary.Edge.ADD, "#c0392b", Summary.Edge.CONCAT, "#7d3c98");

    private final StringBuilder out = new StringBuilder();
    private final String id;

    private SvgDiagram(String network) {
        this.id = "netspec-" + network;
    }

    public static String render(Diagram diagram) {
        return new SvgDiagram(diagram.summary().network()).draw(diagram);
    }

    private String draw(Diagram diagram) {
        double width = Math.max(diagram.width(), 330);
        double height = diagram.height() + LEGEND_HEIGHT;
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\""
                        + " viewBox=\"0 0 %s %s\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\""
                        + " font-size=\"%s\" role=\"img\" aria-labelledby=\"%s-title\" id=\"%s\">\n",
                number(width), number(height), number(width), number(height), number(DiagramLayout.FONT_SIZE), id, id));
        out.append("<title id=\"").append(id).append("-title\">").append(escape(diagram.summary().network()))
                .append(": ").append(diagram.boxes().size()).append(" layers</title>\n");
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        markers();
        out.append("<g class=\"edges\" fill=\"none\" stroke-width=\"1.4\">\n");
        diagram.arrows().forEach(this::arrow);
        out.append("</g>\n<g class=\"layers\">\n");
        diagram.boxes().forEach(this::box);
        out.append("</g>\n");
        legend(diagram.height());
        return out.append("</svg>\n").toString();
    }

    private void markers() {
        out.append("<defs>\n");
        for (Summary.Edge edge : Summary.Edge.values()) {
            out.append("<marker id=\"").append(markerId(edge)).append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\"")
                    .append(" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">")
                    .append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"").append(EDGE_COLOURS.get(edge)).append("\"/></marker>\n");
        }
        out.append("</defs>\n");
    }

    private void arrow(Diagram.Arrow arrow) {
        String points = arrow.points().stream().map(p -> number(p.x()) + "," + number(p.y()))
                .collect(Collectors.joining(" "));
        out.append("<polyline class=\"edge ").append(arrow.edge().jsonName()).append("\" data-from=\"")
                .append(escape(arrow.from())).append("\" data-to=\"").append(escape(arrow.to())).append("\" points=\"")
                .append(points).append("\" stroke=\"").append(EDGE_COLOURS.get(arrow.edge())).append('"')
                .append(dashes(arrow.edge())).append(" marker-end=\"url(#").append(markerId(arrow.edge())).append(")\"/>\n");
    }

    private void box(Diagram.Box box) {
        Summary.Row row = box.row();
        out.append("<g class=\"layer\" data-name=\"").append(escape(row.name())).append("\">");
        out.append("<title>").append(escape(tooltip(row))).append("</title>");
        out.append(String.format(Locale.ROOT, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" rx=\"4\" fill=\"%s\""
                        + " stroke=\"#666666\"/>", number(box.x()), number(box.y()), number(box.width()),
                number(box.height()), FILLS.getOrDefault(row.layer(), OTHER_FILL)));
        for (int i = 0; i < box.lines().size(); i++) {
            double y = box.y() + DiagramLayout.BOX_PADDING + DiagramLayout.FONT_SIZE - 2 + i * DiagramLayout.LINE_HEIGHT;
            out.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\"%s>%s</text>",
                    number(box.x() + DiagramLayout.BOX_PADDING), number(y), i == 0 ? " font-weight=\"bold\"" : "",
                    escape(box.lines().get(i))));
        }
        out.append("</g>\n");
    }

    /** What hovering over a box shows: the summary's figures for the layer. */
    private static String tooltip(Summary.Row row) {
        StringBuilder text = new StringBuilder(row.name() + ": " + row.layer() + " (line " + row.line() + ")\n");
        text.append("output ").append(Cells.shape(row.outputShape()));
        if (row.padding() != null) {
            text.append("\npadding ").append(Cells.padding(row.padding()));
        }
        text.append("\n").append(Cells.count(row.parameters())).append(" parameters, ")
                .append(Cells.count(row.macs())).append(" MACs");
        if (row.receptiveField() != null) {
            text.append("\nreceptive field ").append(Cells.perAxis(row.receptiveField()));
        }
        if (row.jump() != null) {
            text.append(", jump ").append(Cells.perAxis(row.jump()));
        }
        return text.append("\n").append(Cells.bytes(row.activationBytes())).append(" per sample").toString();
    }

    private void legend(double top) {
        double x = 16;
        double y = top + LEGEND_HEIGHT / 2;
        out.append("<g class=\"legend\" font-size=\"11\">\n");
        for (Summary.Edge edge : List.of(Summary.Edge.FLOW, Summary.Edge.ADD, Summary.Edge.CONCAT)) {
            out.append(String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\"%s"
                            + " stroke-width=\"1.4\" marker-end=\"url(#%s)\"/>", number(x), number(y), number(x + 26),
                    number(y), EDGE_COLOURS.get(edge), dashes(edge), markerId(edge)));
            String label = edge == Summary.Edge.FLOW ? "flow / from" : edge.jsonName();
            out.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\">%s</text>\n", number(x + 32), number(y + 4),
                    label));
            x += 40 + label.length() * 7 + 24;
        }
        out.append("</g>\n");
    }

    private static String dashes(Summary.Edge edge) {
        return switch (edge) {
            case FLOW, FROM -> "";
            case ADD -> " stroke-dasharray=\"6,3\"";
            case CONCAT -> " stroke-dasharray=\"2,3\"";
        };
    }

    private String markerId(Summary.Edge edge) {
        return id + "-arrow-" + edge.jsonName();
    }

    /** Coordinates to a tenth of a pixel, without a trailing ".0": smaller files, the same picture. */
    private static String number(double value) {
        double rounded = Math.round(value * 10) / 10.0;
        return rounded == Math.rint(rounded) ? Long.toString((long) rounded) : Double.toString(rounded);
    }

    /** Text and attribute values: the five characters XML reserves. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
