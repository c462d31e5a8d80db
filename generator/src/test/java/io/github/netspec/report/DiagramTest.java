package io.github.netspec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;

/** Every sample network laid out: the picture is sound (no overlaps, arrows that join their boxes) and stable. */
class DiagramTest {

    private static final double TOLERANCE = 0.5;

    static Stream<Summary> networks() throws Exception {
        return SummaryTest.sampleSummaries().values().stream().sorted((a, b) -> a.network().compareTo(b.network()));
    }

    @ParameterizedTest
    @MethodSource("networks")
    void everyLayerHasABoxAndNoTwoBoxesOverlap(Summary summary) {
        Diagram diagram = DiagramLayout.layout(summary);
        assertEquals(summary.rows().size(), diagram.boxes().size());
        List<Diagram.Box> boxes = diagram.boxes();
        for (int i = 0; i < boxes.size(); i++) {
            Diagram.Box box = boxes.get(i);
            assertTrue(box.x() >= 0 && box.y() >= 0 && box.x() + box.width() <= diagram.width()
                    && box.y() + box.height() <= diagram.height(), box.row().name() + " lies outside the picture");
            assertTrue(box.width() >= longestLine(box) * DiagramLayout.CHAR_WIDTH, box.row().name() + "'s text overflows");
            for (int j = i + 1; j < boxes.size(); j++) {
                assertFalse(overlap(box, boxes.get(j)), box.row().name() + " overlaps " + boxes.get(j).row().name());
            }
        }
        assertEquals(List.of(summary.rows().get(0).name(), summary.rows().get(0).layer(),
                Cells.shape(summary.rows().get(0).outputShape())), boxes.get(0).lines());
    }

    /** Each arrow starts on its source's box, ends on its target's, and turns only at right angles. */
    @ParameterizedTest
    @MethodSource("networks")
    void everyEdgeJoinsItsTwoBoxes(Summary summary) {
        Diagram diagram = DiagramLayout.layout(summary);
        Map<String, Diagram.Box> boxes = diagram.boxes().stream()
                .collect(Collectors.toMap(b -> b.row().name(), Function.identity()));
        long edges = summary.rows().stream().mapToLong(r -> r.inputs().size()).sum();
        assertEquals(edges, diagram.arrows().size());
        for (Diagram.Arrow arrow : diagram.arrows()) {
            List<Diagram.Point> points = arrow.points();
            assertTrue(onBorder(boxes.get(arrow.from()), points.get(0)), arrow + " does not leave " + arrow.from());
            assertTrue(onBorder(boxes.get(arrow.to()), points.get(points.size() - 1)), arrow + " does not reach " + arrow.to());
            for (int i = 1; i < points.size(); i++) {
                Diagram.Point a = points.get(i - 1);
                Diagram.Point b = points.get(i);
                assertTrue(Math.abs(a.x() - b.x()) < TOLERANCE || Math.abs(a.y() - b.y()) < TOLERANCE,
                        arrow + " has a diagonal segment");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("networks")
    void theSvgIsWellFormedAndTheSameEveryTime(Summary summary) throws Exception {
        String svg = SvgDiagram.render(DiagramLayout.layout(summary));
        assertEquals(svg, SvgDiagram.render(DiagramLayout.layout(summary)));
        Document document = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", document.getDocumentElement().getLocalName());
        assertEquals(summary.rows().size(), count(document, "rect") - 1, "a rect per layer, and the background");
        assertEquals(summary.rows().size(), count(document, "title") - 1, "a tooltip per layer, and the picture's title");
        assertEquals(summary.rows().stream().mapToLong(r -> r.inputs().size()).sum(), count(document, "polyline"));
        assertTrue(svg.contains(">" + summary.rows().get(summary.rows().size() - 1).name() + "</text>"));
    }

    private static long count(Document document, String element) {
        return document.getElementsByTagNameNS("http://www.w3.org/2000/svg", element).getLength();
    }

    private static int longestLine(Diagram.Box box) {
        return box.lines().stream().mapToInt(String::length).max().orElse(0);
    }

    private static boolean overlap(Diagram.Box a, Diagram.Box b) {
        return a.x() < b.x() + b.width() && b.x() < a.x() + a.width() && a.y() < b.y() + b.height()
                && b.y() < a.y() + a.height();
    }

    private static boolean onBorder(Diagram.Box box, Diagram.Point point) {
        boolean withinX = point.x() >= box.x() - TOLERANCE && point.x() <= box.x() + box.width() + TOLERANCE;
        boolean withinY = point.y() >= box.y() - TOLERANCE && point.y() <= box.y() + box.height() + TOLERANCE;
        boolean onHorizontal = Math.abs(point.y() - box.y()) < TOLERANCE
                || Math.abs(point.y() - box.y() - box.height()) < TOLERANCE;
        boolean onVertical = Math.abs(point.x() - box.x()) < TOLERANCE
                || Math.abs(point.x() - box.x() - box.width()) < TOLERANCE;
        return withinX && withinY && (onHorizontal || onVertical);
    }
}
