package io.github.netspec.bench;

import io.github.netspec.runtime.SafeTensors;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One call of {@code predict} on a batch, in netspec or in ONNX Runtime. Before timing anything, the setup
 * runs both on the input export_models.py saved and checks the output against PyTorch's, so a table can
 * only ever compare two systems that compute the same network.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NetworkBenchmark {

    /** Differences from PyTorch allowed, relative to the output's largest magnitude (at least 1). */
    private static final float TOLERANCE = 1e-3f;

    @Param({"MnistNet", "Seed000Convs", "VggLike", "MobileNetV2", "ResNet18"})
    public String network;

    @Param({"1", "8"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    @Param({"netspec", "onnxruntime"})
    public String system;

    private Systems.Runner runner;
    private float[] input;
    private float[] output;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path models = Path.of(System.getProperty("bench.models", "samples/bench/models"));
        float[] sample;
        float[] expected;
        int[] sampleShape;
        try (SafeTensors reference = SafeTensors.open(models.resolve(network + ".io.safetensors"))) {
            SafeTensors.TensorInfo inputInfo = reference.info("input").orElseThrow();
            sample = reference.floats(inputInfo);
            expected = reference.floats(reference.info("output").orElseThrow());
            // The saved input is one sample, batch first.
            sampleShape = inputInfo.shape().stream().skip(1).mapToInt(Long::intValue).toArray();
        }
        runner = switch (system) {
            case "netspec" -> Systems.netspec(network, models, threads);
            case "onnxruntime" -> Systems.onnxRuntime(network, models, threads, sampleShape);
            default -> throw new IllegalArgumentException("no system " + system + "; choose netspec or onnxruntime");
        };
        float[] actual = new float[expected.length];
        runner.predict(sample, 1, actual);
        requireClose(expected, actual);

        input = new float[batch * sample.length];
        for (int n = 0; n < batch; n++) {
            System.arraycopy(sample, 0, input, n * sample.length, sample.length);
        }
        output = new float[batch * expected.length];
    }

    private void requireClose(float[] expected, float[] actual) {
        float scale = 1f;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= TOLERANCE * scale)) {
                throw new IllegalStateException(system + " computes " + network + " differently from PyTorch: output "
                        + i + " is " + actual[i] + " but PyTorch gives " + expected[i] + " (tolerance "
                        + TOLERANCE * scale + "); rerun samples/bench/export_models.py after changing a network");
            }
        }
    }

    @Benchmark
    public float[] predict() throws Exception {
        runner.predict(input, batch, output);
        return output;
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        runner.close();
    }
}
