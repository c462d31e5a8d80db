package io.github.netspec.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * torchvision.net names its layers after torchvision's modules, through blocks and repeats, so a
 * state_dict saved from torchvision loads with no renaming: the weights the spec reads are exactly the
 * tensors of torchvision's state_dict (samples/reference/make_references.py lists them), with the same
 * shapes, less batch norm's step counters.
 */
class TorchvisionNamesTest {

    private static final Path SAMPLES = Path.of(System.getProperty("netspec.samples", "../samples"));

    @ParameterizedTest
    @ValueSource(strings = {"ResNet18", "MobileNetV2"})
    void theSpecReadsExactlyTorchvisionsStateDict(String network) throws Exception {
        Path spec = SAMPLES.resolve("networks/src/main/net/torchvision.net");
        NetCompiler.Result result = NetCompiler.plan(List.of(NetCompiler.Source.read(spec, "torchvision.net")), "");
        assertFalse(result.hasErrors(), result.diagnostics().toString());
        CheckedNetwork checked = result.plans().stream().map(Plan::network).filter(n -> n.name().equals(network))
                .findFirst().orElseThrow();
        Set<String> read = checked.nodes().stream().flatMap(node -> node.weights().stream())
                .map(w -> w.name() + " " + w.shape().toString().replace(" ", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> torchvision = Files.readAllLines(SAMPLES.resolve(
                        "networks/src/test/resources/reference/torchvision_state_dicts.txt")).stream()
                .filter(line -> line.startsWith(network + " ") && !line.contains(".num_batches_tracked "))
                .map(line -> line.substring(network.length() + 1))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(torchvision, read);
    }
}
