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

    /** Whether each convolution reads and writes channels-last, by label, as "in,out" of booleans. */
    private static Map<String, String> layouts(Plan plan) {
        Map<String, String> layouts = new HashMap<>();
        for (Plan.Step step : plan.steps()) {
            if (step instanceof Plan.ConvStep conv) {
                layouts.put(conv.node().name(), conv.inputChannelsLast() + "," + conv.outputChannelsLast());
            }
        }
        return layouts;
    }

    @Test
    void aBatchRunsInPassesOnlyWhereTheWeightsAreFewBesideOneSamplesActivations() {
        // The sample networks' arenas and weights: MobileNetV2 one sample a pass; ResNet-18 and VggLike, whose
        // weights outweigh their activations, the whole batch; MnistNet as many as 8 MB of activations hold.
        assertEquals(1, Planner.samplesPerPass(1_505_280, 3_504_872));
        assertEquals(0, Planner.samplesPerPass(1_003_520, 11_689_512));
        assertEquals(0, Planner.samplesPerPass(786_432, 67_494_026));
        assertEquals(66, Planner.samplesPerPass(31_360, 63_050));
        assertEquals(0, Planner.samplesPerPass(0, 10), "no intermediate tensors: nothing to keep in cache");
        Plan plan = plan("""
                network N {
                    input [3, 64, 64]
                    c: conv2d(8, kernel=3, padding=same)
                    globalavgpool
                }
                """);
        assertEquals(Planner.samplesPerPass(plan.arenaSize(), plan.network().parameterCount()), plan.samplesPerPass());
        assertEquals(64, plan.samplesPerPass());
    }

    @Test
    void invertedResidualBlocksRunChannelsLastBetweenTheFirstDepthwiseInputAndTheGlobalPool() {
        Plan plan = plan("""
                network N {
                    input [3, 16, 16]
                    stem: conv2d(16, kernel=3, stride=2, padding=1, activation=relu6)
                    dw0: depthwise(kernel=3, padding=1, activation=relu6)
                    p0: conv2d(8, kernel=1)
                    e1: conv2d(32, kernel=1, activation=relu6)
                    dw1: depthwise(kernel=3, stride=2, padding=1, activation=relu6)
                    p1: conv2d(8, kernel=1)
                    block_in: relu
                    e2: conv2d(32, kernel=1, activation=relu6)
                    dw2: depthwise(kernel=3, padding=1, activation=relu6)
                    p2: conv2d(8, kernel=1)
                    add(block_in)
                    head: conv2d(64, kernel=1, activation=relu6)
                    globalavgpool
                    flatten
                    fc: dense(10)
                }
                """);
        Map<String, String> layouts = layouts(plan);
        assertEquals("false,false", layouts.get("stem"), "a 3x3 convolution reads and writes channels-first");
        assertEquals("false,false", layouts.get("dw0"), "its input comes from the stem, channels-first");
        assertEquals("false,true", layouts.get("p0"), "a 1x1 convolution turns channels-first into channels-last");
        for (String name : new String[] {"e1", "dw1", "p1", "e2", "dw2", "p2", "head"}) {
            assertEquals("true,true", layouts.get(name), name);
        }
        Plan.GlobalPoolStep pool = plan.steps().stream().filter(Plan.GlobalPoolStep.class::isInstance)
                .map(Plan.GlobalPoolStep.class::cast).findFirst().orElseThrow();
        assertTrue(pool.channelsLast(), "the pooling reads the head's channels-last output");
        assertFalse(((Plan.DenseStep) plan.steps().get(plan.steps().size() - 1)).in() == pool.in(),
                "the dense layer reads the pooled vector, one value per channel in either layout");
    }

    @Test
    void aTensorThatAChannelsFirstKernelReadsStaysChannelsFirstAndSoDoesItsDepthwise() {
        Plan plan = plan("""
                network N {
                    input [8, 16, 16]
                    e: conv2d(16, kernel=1)
                    dw: depthwise(kernel=3, padding=1)
                    p: conv2d(16, kernel=1)
                    m: maxpool(2)
                    flatten
                }
                """);
        Map<String, String> layouts = layouts(plan);
        assertEquals("false,false", layouts.get("p"), "max pooling reads p's output channels-first");
        assertEquals("false,false", layouts.get("dw"), "a 1x1 convolution writing channels-first reads the same");
        assertEquals("false,false", layouts.get("e"), "no depthwise convolution is left to read channels-last");
    }

    @Test
    void anAddOfAChannelsFirstTermKeepsTheWholeSumChannelsFirst() {
        Plan plan = plan("""
                network N {
                    input [8, 16, 16]
                    s: conv2d(8, kernel=3, padding=1)
                    e: conv2d(16, kernel=1)
                    dw: depthwise(kernel=3, padding=1)
                    p: conv2d(8, kernel=1)
                    add(s)
                    m: maxpool(2)
                    flatten
                }
                """);
        Map<String, String> layouts = layouts(plan);
        assertEquals("false,false", layouts.get("p"), "p is added to s, which a 3x3 convolution writes channels-first");
        assertEquals("false,false", layouts.get("dw"));
    }

    @Test
    void aNetworkWithoutDepthwiseConvolutionsStaysChannelsFirst() {
        Plan plan = plan("""
                network N {
                    input [8, 16, 16]
                    a: conv2d(16, kernel=1, activation=relu)
                    b: conv2d(16, kernel=1)
                    add(a)
                    globalavgpool
                }
                """);
        assertTrue(layouts(plan).values().stream().allMatch("false,false"::equals), layouts(plan).toString());
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
