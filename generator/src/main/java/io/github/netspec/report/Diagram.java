package io.github.netspec.report;

import java.util.List;

/**
 * A laid-out network: where each layer's box sits and the path each edge takes, in pixels from the top
 * left. {@link DiagramLayout} makes it; {@link SvgDiagram} draws it.
 */
public record Diagram(Summary summary, double width, double height, List<Box> boxes, List<Arrow> arrows) {

    public Diagram {
        boxes = List.copyOf(boxes);
        arrows = List.copyOf(arrows);
    }

    /** The box of one layer, with the lines of text it shows, first line the name. */
    public record Box(Summary.Row row, double x, double y, double width, double height, List<String> lines) {
        public Box {
            lines = List.copyOf(lines);
        }
    }

    /** An edge as a polyline from the source's box to the target's, ending where the arrowhead points. */
    public record Arrow(String from, String to, Summary.Edge edge, List<Point> points) {
        public Arrow {
            points = List.copyOf(points);
        }
    }

    public record Point(double x, double y) {}
}
