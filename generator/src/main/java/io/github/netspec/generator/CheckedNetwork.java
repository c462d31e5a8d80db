package io.github.netspec.generator;

import io.github.netspec.syntax.Position;
import java.util.List;

/**
 * A network whose every shape is known and every rule holds: safe to plan and emit.
 *
 * @param file the spec's path as given, for generated comments and load errors
 * @param nodes in execution order; node 0 is the input
 * @param output the id of the node whose value {@code predict} returns
 */
public record CheckedNetwork(String name, String file, Position position, List<Node> nodes, int output) {

    public CheckedNetwork {
        nodes = List.copyOf(nodes);
    }

    public Shape inputShape() {
        return nodes.get(0).shape();
    }

    public Shape outputShape() {
        return nodes.get(output).shape();
    }

    public long parameterCount() {
        return nodes.stream().mapToLong(Node::parameterCount).sum();
    }
}
