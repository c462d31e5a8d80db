package io.github.netspec.report;

import java.util.List;
import java.util.Locale;

/**
 * Everything the build knows about one network without running it: a row per layer and the totals. The
 * text table, the JSON and the HTML report are renderings of this value and compute nothing themselves.
 *
 * @param file the spec's path as given
 * @param line where the network is declared
 */
public record Summary(String network, String file, int line, List<Integer> inputShape, List<Integer> outputShape,
                      List<Row> rows, Totals totals) {

    public Summary {
        inputShape = List.copyOf(inputShape);
        outputShape = List.copyOf(outputShape);
        rows = List.copyOf(rows);
    }

    /**
     * One statement of the spec.
     *
     * @param inputs the layers this one reads, the current value first (empty for the input)
     * @param edges how each input reaches this layer, parallel to {@code inputs}
     * @param padding the resolved padding as (top, bottom, left, right), or (left, right) for 1-D; null for
     *     layers that do not pad
     * @param macs multiply-accumulates per sample of the layer's weights (convolution and dense), the figure
     *     PyTorch profilers and papers report; element-wise work, pooling and biases are not counted
     * @param receptiveField per spatial axis of the input, how many input positions one output value can
     *     depend on; null when the input has no spatial axis
     * @param jump per spatial axis, how many input positions apart two neighbouring outputs are (a fraction
     *     after upsampling); null when the layer has no spatial output (after dense or flatten)
     * @param activationBytes the layer's output for one sample, as float32
     */
    public record Row(String name, String layer, int line, int column, List<String> inputs, List<Edge> edges,
                      List<Integer> outputShape, List<Integer> padding, long parameters, long macs,
                      List<Long> receptiveField, List<Double> jump, long activationBytes) {

        public Row {
            inputs = List.copyOf(inputs);
            edges = List.copyOf(edges);
            outputShape = List.copyOf(outputShape);
            padding = padding == null ? null : List.copyOf(padding);
            receptiveField = receptiveField == null ? null : List.copyOf(receptiveField);
            jump = jump == null ? null : List.copyOf(jump);
        }
    }

    /** How a value reaches a layer: from the statement just above, after {@code from}, or as a merge operand. */
    public enum Edge {
        FLOW, FROM, ADD, CONCAT;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Per sample, in bytes of float32 unless named otherwise.
     *
     * @param parameters trainable parameters, as PyTorch's {@code parameters()} counts them
     * @param buffers non-trainable tensors the weights file also holds (batch norm's running statistics)
     * @param activationBytes every layer's output added up, as a framework that keeps each one would hold
     * @param arenaBytes the intermediate tensors under netspec's buffer plan, which reuses memory between
     *     tensors that are never alive together
     * @param unplannedBytes the intermediate tensors if each had its own array
     * @param inputBytes the caller's input array
     * @param outputBytes the caller's output array
     */
    public record Totals(long parameters, long buffers, long macs, long activationBytes, long arenaBytes,
                         long unplannedBytes, long inputBytes, long outputBytes) {

        /** What {@code predict} touches per sample at its peak: the arena plus the caller's two arrays. */
        public long peakBytes() {
            return arenaBytes + inputBytes + outputBytes;
        }
    }
}
