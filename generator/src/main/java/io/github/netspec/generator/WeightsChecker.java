package io.github.netspec.generator;

import io.github.netspec.runtime.SafeTensors;
import io.github.netspec.runtime.WeightsException;
import io.github.netspec.syntax.Position;
import io.github.netspec.syntax.WeightsClause;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a network against the weights file it names, at build time, so a file that {@code load} would
 * reject fails the build at the layer's line instead: every tensor a layer reads must be in the file
 * with a float dtype and the shape the spec gives it, and a tensor that no layer reads is flagged. Only
 * the file's header is read, never its data.
 */
final class WeightsChecker {

    /** The suffix PyTorch's batch norm adds to its state_dict; netspec does not need it. */
    private static final String BATCHES_TRACKED = ".num_batches_tracked";

    private final CheckedNetwork network;
    private final Diagnostics diagnostics;
    private final String shownFile;

    private WeightsChecker(CheckedNetwork network, Diagnostics diagnostics, String shownFile) {
        this.network = network;
        this.diagnostics = diagnostics;
        this.shownFile = shownFile;
    }

    /**
     * @param clause the spec's {@code weights "path"}, if any
     * @param specLocation the spec file, whose folder a relative path in the clause is resolved against;
     *     null for a spec that is not a file (the working directory is used)
     * @param configured a weights file the build configuration names for this network, which takes the
     *     clause's place; null if none
     */
    static void check(CheckedNetwork network, Optional<WeightsClause> clause, Path specLocation, Path configured,
                      Diagnostics diagnostics) {
        if (clause.isPresent() && !clause.get().keyword().equals("weights")) {
            diagnostics.error(clause.get().position(), "unknown clause '" + clause.get().keyword()
                    + "': the only clause before a network's statements is weights \"path\"",
                    "write weights \"" + clause.get().path() + "\"");
            return;
        }
        if (configured == null && clause.isEmpty()) {
            return;
        }
        String shown = configured != null ? configured.toString() : clause.get().path();
        Position at = configured != null ? network.position() : clause.get().pathPosition();
        Path file;
        try {
            file = configured != null ? configured : resolve(clause.get().path(), specLocation);
        } catch (InvalidPathException e) {
            diagnostics.error(at, "'" + shown + "' is not a valid path: " + e.getReason());
            return;
        }
        try (SafeTensors weights = SafeTensors.open(file)) {
            new WeightsChecker(network, diagnostics, shown).compare(weights.tensors(), at);
        } catch (NoSuchFileException e) {
            diagnostics.error(at, "weights file " + shown + " does not exist (looked for " + file.toAbsolutePath() + ")",
                    configured != null ? "fix the path in the build configuration"
                            : "a relative path starts at the spec's folder");
        } catch (WeightsException e) {
            diagnostics.error(at, "weights file " + shown + " is not a valid safetensors file: " + e.getMessage(),
                    "save it with safetensors.torch.save_file(model.state_dict(), path)");
        } catch (IOException e) {
            diagnostics.error(at, "cannot read weights file " + shown + ": " + e.getMessage());
        }
    }

    private static Path resolve(String path, Path specLocation) {
        Path given = Path.of(path);
        if (given.isAbsolute() || specLocation == null) {
            return given;
        }
        Path folder = specLocation.toAbsolutePath().getParent();
        return folder == null ? given : folder.resolve(given).normalize();
    }

    private void compare(Map<String, SafeTensors.TensorInfo> tensors, Position fileAt) {
        Set<String> read = new HashSet<>();
        for (Node node : network.nodes()) {
            diagnostics.within(node.origin());
            for (WeightTensor needed : node.weights()) {
                read.add(needed.name());
                SafeTensors.TensorInfo found = tensors.get(needed.name());
                if (found == null) {
                    missing(node, needed, tensors, read);
                } else if (!SafeTensors.isFloat(found.dtype())) {
                    diagnostics.error(node.position(), needed.name() + " is " + found.dtype() + " in " + shownFile
                            + "; netspec loads F32, F16, BF16 and F64 tensors", "save the weights as float32");
                } else if (!shapeOf(found).equals(needed.shape())) {
                    diagnostics.error(node.position(), needed.name() + " is " + shapeOf(found) + " in " + shownFile
                            + " but the spec needs " + needed.shape() + ": " + why(node, needed, shapeOf(found)),
                            "correct the layer in the spec, or export the weights of the network the spec describes");
                }
            }
        }
        diagnostics.within(List.of());
        Map<String, SafeTensors.TensorInfo> unused = new LinkedHashMap<>();
        tensors.forEach((name, info) -> {
            if (!read.contains(name) && !isBatchCounter(name, read)) {
                unused.put(name, info);
            }
        });
        if (!unused.isEmpty()) {
            diagnostics.warning(fileAt, shownFile + " has " + unused.size() + " tensor" + (unused.size() == 1 ? "" : "s")
                            + " that no layer reads: " + list(unused.values(), 6),
                    "a label that differs from the module's name in PyTorch leaves both its tensors unread here and"
                            + " missing there; otherwise remove them from the file");
        }
    }

    private void missing(Node node, WeightTensor needed, Map<String, SafeTensors.TensorInfo> tensors, Set<String> read) {
        List<SafeTensors.TensorInfo> sameShape = tensors.values().stream()
                .filter(info -> shapeOf(info).equals(needed.shape()) && !read.contains(info.name()))
                .filter(info -> suffix(info.name()).equals(suffix(needed.name()))).toList();
        String hint = sameShape.isEmpty()
                ? "a layer's tensors are LABEL.weight and LABEL.bias: label it as its module is named in PyTorch"
                : "no layer reads " + list(sameShape, 3) + ", which has that shape: label the layer after that"
                        + " module, or rename the tensor";
        diagnostics.error(node.position(), needed.name() + " is not in " + shownFile + "; " + node.name()
                + " needs it as " + needed.shape(), hint);
    }

    /** Which number of the spec the first differing dimension comes from, in the layer's terms. */
    private String why(Node node, WeightTensor needed, Shape found) {
        if (found.rank() != needed.shape().rank()) {
            return "a " + found.rank() + "-D tensor where " + node.name() + " needs " + needed.shape().rank() + "-D";
        }
        int axis = 0;
        while (found.dimensions().get(axis).equals(needed.shape().dimensions().get(axis))) {
            axis++;
        }
        Shape input = network.nodes().get(node.inputs().get(0)).shape();
        boolean vector = needed.shape().rank() == 1;
        LayerOp op = node.op();
        if (op instanceof LayerOp.Dense) {
            return axis == 0 ? node.name() + " has " + count(needed.shape().dimensions().get(0), "output")
                    : "the input to " + node.name() + " has " + count(input.size(), "feature");
        }
        if (op instanceof LayerOp.BatchNorm) {
            return node.name() + " normalizes " + count(input.channels(), "channel");
        }
        if (axis == 0) {
            return node.name() + (vector ? " has " : " makes ") + count(needed.shape().dimensions().get(0), "output channel")
                    + (needed.name().contains(".depthwise.") ? " in its depthwise step" : "");
        }
        if (axis == 1) {
            LayerOp.Conv conv = op instanceof LayerOp.Conv c ? c : null;
            int groups = conv == null ? 1 : conv.groups();
            int channels = needed.name().contains(".pointwise.") ? needed.shape().dimensions().get(1) : input.channels();
            return "the input to " + node.name() + " has " + count(channels, "channel")
                    + (groups == 1 ? "" : " in " + groups + " groups of " + channels / groups);
        }
        return "the kernel of " + node.name() + " is " + needed.shape().dimensions().subList(2, needed.shape().rank())
                .stream().map(String::valueOf).collect(Collectors.joining("x"));
    }

    /** PyTorch's batch norm saves a step counter beside its statistics; a batch norm layer does not read it. */
    private static boolean isBatchCounter(String name, Set<String> read) {
        return name.endsWith(BATCHES_TRACKED)
                && read.contains(name.substring(0, name.length() - BATCHES_TRACKED.length()) + ".running_mean");
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static Shape shapeOf(SafeTensors.TensorInfo info) {
        List<Integer> dimensions = new ArrayList<>();
        for (long d : info.shape()) {
            dimensions.add((int) Math.min(d, Integer.MAX_VALUE));
        }
        return new Shape(dimensions);
    }

    private static String suffix(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static String list(Collection<SafeTensors.TensorInfo> tensors, int most) {
        String shown = tensors.stream().limit(most).map(info -> info.name() + " " + shapeOf(info))
                .collect(Collectors.joining(", "));
        return tensors.size() > most ? shown + " and " + (tensors.size() - most) + " more" : shown;
    }
}
