package io.github.netspec.generator;

import io.github.netspec.generator.Plan.Buffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places the intermediate buffers of a plan in one arena so that buffers alive at the same time never
 * overlap, and buffers that never are alive together may share memory. The caller's input and output
 * arrays are not in the arena.
 *
 * <p>A buffer is alive from the step that first writes it to the last step that touches it (both
 * included, so a kernel's input and output never share memory). Placement is greedy by size, largest
 * first, each at the lowest offset that clears every placed buffer it is alive with: the heuristic
 * TensorFlow Lite's arena planner uses, within a few percent of optimal on CNNs.
 */
final class BufferPlanner {

    /** Offsets in floats per sample; the arena's size; the sum of all intermediate buffers. */
    record Placement(Map<Buffer, Integer> offsets, int arenaSize, long naiveSize) {}

    private record Lifetime(Buffer buffer, int first, int last) {
        boolean overlaps(Lifetime other) {
            return first <= other.last && other.first <= last;
        }
    }

    private BufferPlanner() {}

    static Placement place(List<Plan.Step> steps, Buffer input, Buffer output) {
        List<Lifetime> lifetimes = lifetimes(steps, input, output);
        List<Lifetime> bySize = new ArrayList<>(lifetimes);
        bySize.sort(Comparator.comparingInt((Lifetime l) -> l.buffer().size()).reversed()
                .thenComparingInt(Lifetime::first));
        Map<Buffer, Integer> offsets = new LinkedHashMap<>();
        List<Lifetime> placed = new ArrayList<>();
        int arenaSize = 0;
        long naiveSize = 0;
        for (Lifetime lifetime : bySize) {
            int offset = lowestFreeOffset(lifetime, placed, offsets);
            offsets.put(lifetime.buffer(), offset);
            placed.add(lifetime);
            arenaSize = Math.max(arenaSize, offset + lifetime.buffer().size());
            naiveSize += lifetime.buffer().size();
        }
        return new Placement(offsets, arenaSize, naiveSize);
    }

    /** The lowest offset at which {@code lifetime}'s buffer overlaps no placed buffer alive at the same time. */
    private static int lowestFreeOffset(Lifetime lifetime, List<Lifetime> placed, Map<Buffer, Integer> offsets) {
        List<int[]> taken = placed.stream()
                .filter(lifetime::overlaps)
                .map(l -> new int[] {offsets.get(l.buffer()), offsets.get(l.buffer()) + l.buffer().size()})
                .sorted(Comparator.comparingInt(range -> range[0]))
                .toList();
        int offset = 0;
        for (int[] range : taken) {
            if (offset + lifetime.buffer().size() <= range[0]) {
                break;
            }
            offset = Math.max(offset, range[1]);
        }
        return offset;
    }

    /** Each intermediate buffer with the first and last step that touch it, in order of first use. */
    private static List<Lifetime> lifetimes(List<Plan.Step> steps, Buffer input, Buffer output) {
        Map<Buffer, int[]> spans = new LinkedHashMap<>();
        for (int index = 0; index < steps.size(); index++) {
            for (Buffer buffer : touched(steps.get(index))) {
                if (buffer != input && buffer != output) {
                    int step = index;
                    spans.computeIfAbsent(buffer, b -> new int[] {step, step})[1] = step;
                }
            }
        }
        return spans.entrySet().stream().map(e -> new Lifetime(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
    }

    /** What a step reads, then what it writes. */
    static List<Buffer> touched(Plan.Step step) {
        List<Buffer> buffers = new ArrayList<>(step.reads());
        buffers.add(step.out());
        return buffers;
    }
}
