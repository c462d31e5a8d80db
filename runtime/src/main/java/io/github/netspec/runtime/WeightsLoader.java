package io.github.netspec.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a generated network's {@code load} uses to take its tensors from a safetensors file. It collects
 * every problem (missing tensors, wrong shapes, wrong dtypes) instead of stopping at the first, then
 * {@link #finish()} reports them all in one exception. A tensor with a problem reads as zeros of the
 * expected size so loading can go on to find the others; {@code finish} guarantees no such model is used.
 */
public final class WeightsLoader implements Closeable {

    private final SafeTensors file;
    private final String network;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> used = new LinkedHashSet<>();

    private WeightsLoader(SafeTensors file, String network) {
        this.file = file;
        this.network = network;
    }

    /** @param network the network's name, for messages */
    public static WeightsLoader open(Path path, String network) throws IOException {
        return new WeightsLoader(SafeTensors.open(path), network);
    }

    /**
     * Reads one tensor that must have exactly {@code shape}.
     *
     * @param usedBy the layer that needs it, as the user wrote it, for messages ("conv1: conv2d at Mnist.net:3:5")
     */
    public float[] tensor(String name, int[] shape, String usedBy) throws IOException {
        used.add(name);
        int count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        var info = file.info(name);
        if (info.isEmpty()) {
            problems.add("tensor '" + name + "' " + Arrays.toString(shape) + " is missing; " + usedBy + " needs it");
            return new float[count];
        }
        List<Long> actual = info.get().shape();
        if (!sameShape(actual, shape)) {
            problems.add("tensor '" + name + "' has shape " + actual + " but " + usedBy + " needs "
                    + Arrays.toString(shape));
            return new float[count];
        }
        if (!SafeTensors.isFloat(info.get().dtype())) {
            problems.add("tensor '" + name + "' has dtype " + info.get().dtype()
                    + " but " + usedBy + " needs a float tensor (F32, F16, BF16 or F64)");
            return new float[count];
        }
        return file.floats(info.get());
    }

    /** Throws one exception listing every problem found, if there were any. */
    public void finish() throws WeightsException {
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder()
                .append("cannot load ").append(network).append(" from ").append(file.path()).append(": ")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
        for (String problem : problems) {
            message.append(System.lineSeparator()).append("  - ").append(problem);
        }
        List<String> unused = file.tensors().keySet().stream().filter(name -> !used.contains(name)).toList();
        if (!unused.isEmpty()) {
            message.append(System.lineSeparator()).append("  the file also holds tensors the network does not use: ")
                    .append(String.join(", ", unused.subList(0, Math.min(unused.size(), 20))))
                    .append(unused.size() > 20 ? ", ... (" + unused.size() + " in all)" : "");
        }
        message.append(System.lineSeparator())
                .append("  check that the file was saved from the same architecture, with state_dict names matching the labels");
        throw new WeightsException(message.toString());
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    private static boolean sameShape(List<Long> actual, int[] expected) {
        if (actual.size() != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (actual.get(i) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
