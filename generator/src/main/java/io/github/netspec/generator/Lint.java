package io.github.netspec.generator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The warnings a careful reviewer would raise about a network that is valid: work whose result is
 * thrown away, a softmax in the middle, an activation that cannot change its input. Runs only on
 * networks without errors, so every warning is about the network as it will run.
 */
final class Lint {

    /** Activations whose output is never negative, so a following relu is the identity. */
    private static final Set<Activation> NON_NEGATIVE = Set.of(Activation.RELU, Activation.RELU6, Activation.SIGMOID,
            Activation.SOFTMAX);
    /** Activations whose output lies in [0, 6], so a following relu6 is the identity. */
    private static final Set<Activation> WITHIN_RELU6 = Set.of(Activation.RELU6, Activation.SIGMOID, Activation.SOFTMAX);

    private final CheckedNetwork network;
    private final Diagnostics diagnostics;
    private final List<List<Node>> consumers;

    private Lint(CheckedNetwork network, Diagnostics diagnostics) {
        this.network = network;
        this.diagnostics = diagnostics;
        this.consumers = new ArrayList<>();
        network.nodes().forEach(n -> consumers.add(new ArrayList<>()));
        for (Node node : network.nodes()) {
            node.inputs().forEach(input -> consumers.get(input).add(node));
        }
    }

    static void check(CheckedNetwork network, Diagnostics diagnostics) {
        Lint lint = new Lint(network, diagnostics);
        for (Node node : network.nodes()) {
            diagnostics.within(node.origin());
            lint.unusedValue(node);
            lint.softmaxBeforeTheEnd(node);
            lint.activationWithoutEffect(node);
        }
        diagnostics.within(List.of());
    }

    /** A value nothing reads and the network does not return was computed for nothing. */
    private void unusedValue(Node node) {
        if (node.id() == 0 || node.id() == network.output() || !consumers.get(node.id()).isEmpty()) {
            return;
        }
        String hint = node.labelled()
                ? "use " + node.name() + " in add or concat, or remove the layers that lead only to it"
                : "remove it, or label it (x: ...) and use it in add or concat";
        diagnostics.warning(node.position(), "the output of " + node.name() + " is never used: a later 'from' moves on"
                + " without it, so predict computes it for nothing", hint);
    }

    /** Softmax makes probabilities; a layer after it sees squashed values, which is rarely what was meant. */
    private void softmaxBeforeTheEnd(Node node) {
        if (activationOf(node) != Activation.SOFTMAX || consumers.get(node.id()).isEmpty()) {
            return;
        }
        Node next = consumers.get(node.id()).get(0);
        diagnostics.warning(node.position(), "softmax in " + node.name() + " is not the last layer: " + next.name()
                + " at line " + next.position().line() + " reads its probabilities",
                "move softmax to the end of the network, or use another activation here");
    }

    /** relu after a layer whose output is already non-negative (or relu6 after one already in [0, 6]). */
    private void activationWithoutEffect(Node node) {
        if (!(node.op() instanceof LayerOp.Elementwise elementwise) || node.inputs().isEmpty()) {
            return;
        }
        Node input = network.nodes().get(node.inputs().get(0));
        Activation before = activationOf(input);
        boolean identity = switch (elementwise.activation()) {
            case RELU -> NON_NEGATIVE.contains(before);
            case RELU6 -> WITHIN_RELU6.contains(before);
            default -> false;
        };
        if (identity) {
            diagnostics.warning(node.position(), elementwise.activation().word() + " has no effect: the output of "
                    + input.name() + " (" + before.word() + ") is already in its range", "remove this line");
        }
    }

    /** The activation a node ends with, written as its own layer or as activation= on a weighted layer. */
    private static Activation activationOf(Node node) {
        LayerOp op = node.op();
        if (op instanceof LayerOp.Elementwise elementwise) {
            return elementwise.activation();
        }
        if (op instanceof LayerOp.Conv conv) {
            return conv.activation();
        }
        if (op instanceof LayerOp.Separable separable) {
            return separable.pointwise().activation();
        }
        if (op instanceof LayerOp.Dense dense) {
            return dense.activation();
        }
        return Activation.NONE;
    }
}
