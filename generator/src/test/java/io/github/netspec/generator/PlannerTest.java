package io.github.netspec.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.netspec.generator.Plan.Buffer;
import io.github.netspec.syntax.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Fusion and buffer placement: what the planner may merge, and that the arena never overlaps live tensors. */
class PlannerTest {

    private static Plan plan(String spec) {
        Diagnostics diagnostics = new Diagnostics("test.net");
        var network = SpecParser.parse("test.net", spec).file().networks().get(0);
        CheckedNetwork checked = ShapeChecker.check(network, diagnostics).orElseThrow(
                () -> new AssertionError(diagnostics.all()));
        return Planner.plan(checked);
    }

    @Test
    void convThenBatchNormThenReluIsOneKernel() {
        Plan plan = plan("""
                network N {
                    input [3, 8, 8]
                    c: conv2d(4, 3, padding=same, bias=false)
                    bn: batchnorm
                    relu
                    globalavgpool
                }
                """);
        Plan.ConvStep conv = (Plan.ConvStep) plan.steps().get(0);
        assertNotNull(conv.norm(), "batch norm folded");
        assertEquals("bn", conv.norm().prefix());
        assertEquals(Activation.RELU, conv.activation());
        assertEquals(3, conv.nodes().size());
        assertEquals(2, plan.steps().size(), "conv, then the pool: " + plan.steps());
    }

    @Test
    void aConvOutputReadTwiceIsNotFused() {
        Plan plan = plan("""
                network N {
                    input [4, 8, 8]
                    c: conv2d(4, 3, padding=same)
                    bn: batchnorm
                    add(c)
                }
                """);
        Plan.ConvStep conv = (Plan.ConvStep) plan.steps().get(0);
        assertEquals(null, conv.norm(), "c is read by bn and by add, so bn cannot be folded into it");
        assertTrue(plan.steps().get(1) instanceof Plan.BatchNormStep);
    }

    @Test
    void anActivationThatNeverDecreasesMovesPastMaxPooling() {
        Plan plan = plan("""
                network N {
                    input [3, 8, 8]
                    c: conv2d(4, 3, padding=same)
                    bn: batchnorm
                    relu6
                    maxpool(2)
                    flatten
                }
                """);
        Plan.ConvStep conv = (Plan.ConvStep) plan.steps().get(0);
        assertEquals(Activation.NONE, conv.activation(), "relu6 runs on the pooled values, a quarter as many");
        assertNotNull(conv.norm(), "batch norm still folded");
        Plan.PoolStep pool = (Plan.PoolStep) plan.steps().get(1);
        assertEquals(Activation.RELU6, pool.activation(), "the pooling applies it to each plane as it goes");
        assertEquals(2, plan.steps().size(), plan.steps().toString());
    }

    @ParameterizedTest
    @MethodSource("activationsBeforePooling")
    void anActivationStaysInTheConvolutionUnlessMaxPoolingAloneFollowsAndItNeverDecreases(String layers,
                                                                                      Activation expected) {
        Plan plan = plan("network N {\n input [3, 8, 8]\n c: conv2d(4, 3, padding=same)\n" + layers + "\n}");
        assertEquals(expected, ((Plan.ConvStep) plan.steps().get(0)).activation(), layers);
    }

    static Stream<Arguments> activationsBeforePooling() {
        return Stream.of(
                // gelu dips below zero before rising: max(gelu(-0.5), gelu(-3)) is not gelu(-0.5)
                Arguments.of("gelu\n maxpool(2)", Activation.GELU),
                Arguments.of("relu\n avgpool(2)", Activation.RELU),
                Arguments.of("leaky_relu(alpha=-0.5)\n maxpool(2)", Activation.LEAKY_RELU),
                // with alpha 0, f(-∞) = 0·-∞ = NaN: max(f(-∞), f(-1)) is NaN but f(max(-∞, -1)) is 0
                Arguments.of("leaky_relu(alpha=0)\n maxpool(2)", Activation.LEAKY_RELU),
                Arguments.of("elu(alpha=0)\n maxpool(2)", Activation.NONE),
                Arguments.of("tanh\n maxpool(2)", Activation.NONE));
    }

    @Test
    void softmaxIsNeverFusedIntoAKernel() {
        Plan plan = plan("""
                network N {
                    input [16]
                    fc: dense(10)
                    softmax
                }
                """);
        assertEquals(Activation.NONE, ((Plan.DenseStep) plan.steps().get(0)).activation());
        assertEquals(Activation.SOFTMAX, ((Plan.ActivationStep) plan.steps().get(1)).activation());
    }

    @Test
    void aChainNeedsOnlyTwoBuffersAtATime() {
        Plan plan = plan("""
                network N {
                    input [3, 16, 16]
                    conv2d(8, 3, padding=same, activation=relu)
                    conv2d(8, 3, padding=same, activation=relu)
                    conv2d(8, 3, padding=same, activation=relu)
                    conv2d(8, 3, padding=same, activation=relu)
                    globalavgpool
                }
                """);
        assertEquals(2 * 8 * 16 * 16, plan.arenaSize(), "ping-pong between two buffers");
        assertEquals(4 * 8 * 16 * 16, plan.naiveSize(), "four intermediate tensors, each alone");
    }

    static Stream<Path> sampleSpecs() throws Exception {
        Path samples = Path.of(System.getProperty("netspec.samples"), "networks", "src", "main", "net");
        try (Stream<Path> files = Files.list(samples)) {
            return files.filter(p -> p.toString().endsWith(".net")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("sampleSpecs")
    void buffersAliveTogetherNeverOverlap(Path spec) throws Exception {
        var parsed = SpecParser.parse(spec.toString(), Files.readString(spec));
        for (var network : parsed.file().networks()) {
            Diagnostics diagnostics = new Diagnostics(spec.toString());
            var blocks = BlockExpander.declare(parsed.file().blocks(), diagnostics);
            CheckedNetwork checked = ShapeChecker.check(BlockExpander.expand(network, blocks, diagnostics), diagnostics)
                    .orElseThrow();
            Plan plan = Planner.plan(checked);
            Map<Buffer, int[]> alive = new HashMap<>();
            for (int step = 0; step < plan.steps().size(); step++) {
                for (Buffer buffer : BufferPlanner.touched(plan.steps().get(step))) {
                    int at = step;
                    alive.computeIfAbsent(buffer, b -> new int[] {at, at})[1] = at;
                }
            }
            for (Buffer a : plan.offsets().keySet()) {
                assertTrue(plan.offsets().get(a) + a.size() <= plan.arenaSize(), a + " ends past the arena");
                for (Buffer b : plan.offsets().keySet()) {
                    boolean together = a != b && alive.get(a)[0] <= alive.get(b)[1] && alive.get(b)[0] <= alive.get(a)[1];
                    int aStart = plan.offsets().get(a);
                    int bStart = plan.offsets().get(b);
                    boolean overlap = aStart < bStart + b.size() && bStart < aStart + a.size();
                    assertFalse(together && overlap, plan.network().name() + ": " + a + " at " + aStart + " and " + b
                            + " at " + bStart + " are alive at the same time");
                }
            }
        }
    }
}
