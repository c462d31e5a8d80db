package io.github.netspec.generator;

import io.github.netspec.generator.Plan.Buffer;
import io.github.netspec.runtime.ChannelsLast;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks the intermediate buffers marked channels-last ({@code [pixel][channel]}, PyTorch's {@code channels_last})
 * instead of channels-first ({@code [channel][pixel]}, the layout of the caller's arrays and of every other
 * kernel). A depthwise convolution runs on channels-last tensors without shuffles or masks, a vector holding
 * one pixel's neighbouring channels: MobileNetV2's four stride-2 depthwise layers take 0.53 ms on them and
 * 1.19 channels-first (one core).
 * The runtime keeps marked buffers channels-last on the Vector API path and channels-first on the scalar one
 * ({@link ChannelsLast}), so the same generated class runs on both.
 *
 * <p>The rules:
 * <ul>
 *   <li>a buffer may be channels-last when every step that writes or reads it can work on that layout: a
 *       depthwise convolution, a 1×1 convolution at stride 1 (which reads either layout and writes
 *       channels-last), an add, an element-wise activation other than softmax, a global pooling (reading
 *       only); never the network's input or output</li>
 *   <li>a depthwise convolution, an add and an activation read and write one layout; a 1×1 convolution that
 *       writes channels-first reads channels-first. Buffers that break these are put back to channels-first
 *       until none does</li>
 *   <li>a network keeps its marks only if a depthwise convolution reads a marked buffer: without one, the
 *       channels-first kernels are as fast or faster, and the network is left channels-first</li>
 * </ul>
 */
final class LayoutPlanner {

    private final List<Plan.Step> steps;
    private final Set<Buffer> channelsLast = new HashSet<>();

    private LayoutPlanner(List<Plan.Step> steps) {
        this.steps = steps;
    }

    /** The steps, their convolutions and global poolings told which of their buffers are marked channels-last. */
    static List<Plan.Step> plan(List<Plan.Step> steps, Buffer input, Buffer output) {
        return new LayoutPlanner(steps).run(input, output);
    }

    private List<Plan.Step> run(Buffer input, Buffer output) {
        markEveryBufferItsStepsAllow(input, output);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Plan.Step step : steps) {
                changed |= enforceOneLayout(step);
            }
        }
        if (steps.stream().noneMatch(this::isDepthwiseReadingChannelsLast)) {
            channelsLast.clear();
        }
        return steps.stream().map(this::laidOut).toList();
    }

    /** Marks every buffer but the caller's arrays, then unmarks those a step cannot read or write channels-last. */
    private void markEveryBufferItsStepsAllow(Buffer input, Buffer output) {
        for (Plan.Step step : steps) {
            channelsLast.add(step.out());
            channelsLast.addAll(step.reads());
        }
        channelsLast.remove(input);
        channelsLast.remove(output);
        for (Plan.Step step : steps) {
            if (!touchesChannelsLast(step)) {
                channelsLast.remove(step.out());
                step.reads().forEach(channelsLast::remove);
            } else if (step instanceof Plan.GlobalPoolStep pool) {
                channelsLast.remove(pool.out());
            }
        }
    }

    private boolean isDepthwiseReadingChannelsLast(Plan.Step step) {
        return isDepthwise(step) && channelsLast.contains(((Plan.ConvStep) step).in());
    }

    /** A step as the runtime needs to see it: a convolution or global pooling told its buffers' layouts. */
    private Plan.Step laidOut(Plan.Step step) {
        if (step instanceof Plan.ConvStep conv) {
            return conv.withLayouts(channelsLast.contains(conv.in()), channelsLast.contains(conv.out()));
        }
        if (step instanceof Plan.GlobalPoolStep pool) {
            return pool.withChannelsLast(channelsLast.contains(pool.in()));
        }
        return step;
    }

    /** Whether a step can read (and, but for a global pooling, write) channels-last buffers at all. */
    private static boolean touchesChannelsLast(Plan.Step step) {
        if (step instanceof Plan.ConvStep conv) {
            return isDepthwise(conv) || ChannelsLast.pointwise(conv.geometry());
        }
        if (step instanceof Plan.ActivationStep activation) {
            return activation.activation() != Activation.SOFTMAX;
        }
        return step instanceof Plan.AddStep || step instanceof Plan.GlobalPoolStep;
    }

    private static boolean isDepthwise(Plan.Step step) {
        return step instanceof Plan.ConvStep conv && ChannelsLast.depthwise(conv.geometry());
    }

    /**
     * Puts a step's buffers back to channels-first where its kernel cannot mix the two layouts as they stand;
     * whether anything changed.
     */
    private boolean enforceOneLayout(Plan.Step step) {
        List<Buffer> buffers = new ArrayList<>(step.reads());
        buffers.add(step.out());
        if (isDepthwise(step) || step instanceof Plan.AddStep || step instanceof Plan.ActivationStep) {
            if (buffers.stream().allMatch(channelsLast::contains)) {
                return false;
            }
            return buffers.stream().map(channelsLast::remove).reduce(false, Boolean::logicalOr);
        }
        if (step instanceof Plan.ConvStep conv && !channelsLast.contains(conv.out())) {
            return channelsLast.remove(conv.in());
        }
        return false;
    }
}
