package io.github.netspec.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Blocks and repeats written out: the names they give, what in and parameters mean, and what they leave alone. */
class BlockExpanderTest {

    private static CheckedNetwork check(String spec) {
        NetCompiler.Result result = NetCompiler.plan(List.of(new NetCompiler.Source("b.net", spec)), "");
        assertFalse(result.hasErrors(), result.diagnostics().toString());
        return result.plans().get(0).network();
    }

    /** name shape, per node that is not the input. */
    private static List<String> nodes(CheckedNetwork network) {
        return network.nodes().stream().skip(1).map(n -> n.name() + " " + n.shape()).collect(Collectors.toList());
    }

    private static List<String> weights(CheckedNetwork network) {
        return network.nodes().stream().flatMap(n -> n.weights().stream()).map(WeightTensor::name).toList();
    }

    @Test
    void aRepeatedBlockIsNamedAsTorchvisionNamesItsModules() {
        CheckedNetwork network = check("""
                block unit(out, stride=1) {
                    conv: conv2d(out, kernel=(3, 1), stride=(stride, 1), padding=(1, 0))
                    add(in)
                }
                network N {
                    input [4, 8, 8]
                    stage: repeat 2 { unit(4) }
                    down: unit(4, stride=1)
                    from stage
                    head.0: conv2d(2, 1)
                }
                """);
        assertEquals(List.of("stage.0.conv.weight", "stage.0.conv.bias", "stage.1.conv.weight", "stage.1.conv.bias",
                "down.conv.weight", "down.conv.bias", "head.0.weight", "head.0.bias"), weights(network));
        assertEquals(List.of("stage.0.conv [4, 8, 8]", "add_1 [4, 8, 8]", "stage.1.conv [4, 8, 8]", "add_2 [4, 8, 8]",
                "down.conv [4, 8, 8]", "add_3 [4, 8, 8]", "head.0 [2, 8, 8]"), nodes(network));
        // from stage: the repeat's label names its last copy's output, which head.0 reads.
        Node head = network.nodes().get(network.nodes().size() - 1);
        assertEquals("add_2", network.nodes().get(head.inputs().get(0)).name());
    }

    @Test
    void inInsideARepeatIsTheValueEachCopyStartsFrom() {
        CheckedNetwork network = check("""
                network N {
                    input [2, 6, 6]
                    r: repeat 3 {
                        c: conv2d(2, kernel=3, padding=1)
                        add(in)
                    }
                }
                """);
        List<Node> adds = network.nodes().stream().filter(n -> n.layer().equals("add")).toList();
        assertEquals(3, adds.size());
        assertEquals(List.of("input", "add_1", "add_2"), adds.stream()
                .map(a -> network.nodes().get(a.inputs().get(1)).name()).toList());
    }

    @Test
    void aRepeatInsideABlockSeesTheBlocksLabels() {
        CheckedNetwork network = check("""
                block tower(n) {
                    stem: conv2d(n, 1)
                    r: repeat 2 {
                        c: conv2d(n, kernel=3, padding=1)
                        add(stem)
                    }
                }
                network N {
                    input [3, 5, 5]
                    t: tower(4)
                }
                """);
        assertEquals(List.of("t.stem.weight", "t.stem.bias", "t.r.0.c.weight", "t.r.0.c.bias", "t.r.1.c.weight",
                "t.r.1.c.bias"), weights(network));
        Node lastAdd = network.nodes().get(network.nodes().size() - 1);
        assertEquals("t.stem", network.nodes().get(lastAdd.inputs().get(1)).name());
    }

    @Test
    void blockAndRepeatStayUsableAsLabels() {
        CheckedNetwork network = check("""
                network N {
                    input [1, 4, 4]
                    block: conv2d(2, 1)
                    repeat: relu
                    weights: batchnorm
                }
                """);
        assertEquals(List.of("block [2, 4, 4]", "repeat [2, 4, 4]", "weights [2, 4, 4]"), nodes(network));
    }

    @Test
    void aNetworkWithBlocksComputesWhatItsWrittenOutFormComputes() {
        String withBlocks = """
                block pair(out) {
                    a: conv2d(out, kernel=3, padding=1, activation=relu)
                    b: conv2d(out, kernel=3, padding=1)
                    add(in)
                }
                network N {
                    input [4, 6, 6]
                    p: repeat 2 { pair(4) }
                }
                """;
        String written = """
                network N {
                    input [4, 6, 6]
                    p.0.in: dropout(0)
                    p.0.a: conv2d(4, kernel=3, padding=1, activation=relu)
                    p.0.b: conv2d(4, kernel=3, padding=1)
                    add_1: add(p.0.in)
                    p.1.a: conv2d(4, kernel=3, padding=1, activation=relu)
                    p.1.b: conv2d(4, kernel=3, padding=1)
                    add_2: add(add_1)
                }
                """;
        NetCompiler.Result blocks = NetCompiler.compile(List.of(new NetCompiler.Source("b.net", withBlocks)), "p");
        NetCompiler.Result flat = NetCompiler.compile(List.of(new NetCompiler.Source("b.net", written)), "p");
        assertFalse(blocks.hasErrors() || flat.hasErrors(), blocks.diagnostics() + " " + flat.diagnostics());
        assertEquals(weights(flat.plans().get(0).network()), weights(blocks.plans().get(0).network()));
        assertEquals(flat.plans().get(0).steps().size(), blocks.plans().get(0).steps().size());
    }
}
