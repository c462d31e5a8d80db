package io.github.netspec.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.alg.layered.options.OrderingStrategy;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * Lays a network out top to bottom with Eclipse ELK's layered algorithm: layers in rows by their distance
 * from the input, crossings minimized, edges routed at right angles around the boxes. The statements keep
 * their order in the spec where the algorithm has a free choice (ELK's model order), so a branch written
 * first is drawn on the left, and the same spec always gives the same picture.
 */
public final class DiagramLayout {

    /** The text metrics {@link SvgDiagram} draws with: a monospace font, so a line's width is its length. */
    static final double FONT_SIZE = 12;
    static final double CHAR_WIDTH = 7.25;
    static final double LINE_HEIGHT = 15;
    static final double BOX_PADDING = 8;

    private static final String LAYERED = "org.eclipse.elk.layered";

    private DiagramLayout() {}

    public static Diagram layout(Summary summary) {
        registerLayered();
        ElkNode graph = ElkGraphUtil.createGraph();
        graph.setProperty(CoreOptions.ALGORITHM, LAYERED);
        graph.setProperty(CoreOptions.DIRECTION, Direction.DOWN);
        graph.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        graph.setProperty(CoreOptions.PADDING, new ElkPadding(16));
        graph.setProperty(CoreOptions.SPACING_NODE_NODE, 28.0);
        graph.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 22.0);
        graph.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 10.0);
        graph.setProperty(LayeredOptions.CONSIDER_MODEL_ORDER_STRATEGY, OrderingStrategy.NODES_AND_EDGES);

        Map<String, ElkNode> nodes = new HashMap<>();
        Map<ElkNode, List<String>> texts = new HashMap<>();
        for (Summary.Row row : summary.rows()) {
            List<String> lines = List.of(row.name(), row.layer(), Cells.shape(row.outputShape()));
            ElkNode node = ElkGraphUtil.createNode(graph);
            node.setIdentifier(row.name());
            int longest = lines.stream().mapToInt(String::length).max().orElse(0);
            node.setDimensions(longest * CHAR_WIDTH + 2 * BOX_PADDING, lines.size() * LINE_HEIGHT + 2 * BOX_PADDING - 4);
            nodes.put(row.name(), node);
            texts.put(node, lines);
        }
        Map<ElkEdge, Summary.Edge> kinds = new HashMap<>();
        List<ElkEdge> edges = new ArrayList<>();
        for (Summary.Row row : summary.rows()) {
            for (int i = 0; i < row.inputs().size(); i++) {
                ElkEdge edge = ElkGraphUtil.createSimpleEdge(nodes.get(row.inputs().get(i)), nodes.get(row.name()));
                kinds.put(edge, row.edges().get(i));
                edges.add(edge);
            }
        }
        new RecursiveGraphLayoutEngine().layout(graph, new BasicProgressMonitor());

        List<Diagram.Box> boxes = new ArrayList<>();
        for (Summary.Row row : summary.rows()) {
            ElkNode node = nodes.get(row.name());
            boxes.add(new Diagram.Box(row, node.getX(), node.getY(), node.getWidth(), node.getHeight(), texts.get(node)));
        }
        List<Diagram.Arrow> arrows = new ArrayList<>();
        for (ElkEdge edge : edges) {
            String from = edge.getSources().get(0).getIdentifier();
            String to = edge.getTargets().get(0).getIdentifier();
            arrows.add(new Diagram.Arrow(from, to, kinds.get(edge), points(edge)));
        }
        return new Diagram(summary, graph.getWidth(), graph.getHeight(), boxes, arrows);
    }

    /** The edge's route: start, bends, end (a simple edge between two boxes has exactly one section). */
    private static List<Diagram.Point> points(ElkEdge edge) {
        ElkEdgeSection section = edge.getSections().get(0);
        List<Diagram.Point> points = new ArrayList<>();
        points.add(new Diagram.Point(section.getStartX(), section.getStartY()));
        for (ElkBendPoint bend : section.getBendPoints()) {
            points.add(new Diagram.Point(bend.getX(), bend.getY()));
        }
        points.add(new Diagram.Point(section.getEndX(), section.getEndY()));
        return points;
    }

    /**
     * ELK finds its algorithms through {@link java.util.ServiceLoader}, which a Maven plugin's class realm
     * or a shaded jar can hide; registering the one we use directly works under every class loader.
     */
    private static synchronized void registerLayered() {
        LayoutMetaDataService service = LayoutMetaDataService.getInstance();
        if (service.getAlgorithmData(LAYERED) == null) {
            service.registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
        }
    }
}
