package io.github.netspec.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.netspec.samples.MnistNet;
import io.github.netspec.samples.MobileNetV2;
import io.github.netspec.samples.ResNet18;
import io.github.netspec.samples.Seed000Convs;
import io.github.netspec.samples.VggLike;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/** The two systems under test, each behind the same call: run a batch from one array into another. */
final class Systems {

    private Systems() {}

    /** One network, loaded and ready: {@code predict} runs {@code batch} samples. */
    interface Runner extends AutoCloseable {
        void predict(float[] input, int batch, float[] output) throws OrtException;

        @Override
        default void close() throws OrtException {}
    }

    /** The generated class for a network, loaded from NAME.safetensors, its layers shared among {@code threads}. */
    static Runner netspec(String network, Path models, int threads) throws IOException {
        Path weights = models.resolve(network + ".safetensors");
        // Typed calls, as a user writes them: one generated class per network.
        return switch (network) {
            case "MnistNet" -> MnistNet.load(weights).withThreads(threads)::predict;
            case "Seed000Convs" -> Seed000Convs.load(weights).withThreads(threads)::predict;
            case "VggLike" -> VggLike.load(weights).withThreads(threads)::predict;
            case "MobileNetV2" -> MobileNetV2.load(weights).withThreads(threads)::predict;
            case "ResNet18" -> ResNet18.load(weights).withThreads(threads)::predict;
            default -> throw new IllegalArgumentException("no benchmark network " + network
                    + "; choose from MnistNet, Seed000Convs, VggLike, MobileNetV2, ResNet18");
        };
    }

    /**
     * ONNX Runtime on NAME.onnx with every graph optimization on, {@code threads} intra-op threads and sequential
     * execution: its recommended setup for latency. The input tensor is made once per batch size, so each call
     * pays only for running the graph and copying out the result, as a careful user would write it.
     */
    static Runner onnxRuntime(String network, Path models, int threads, int[] sampleShape) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        OrtSession session = environment.createSession(models.resolve(network + ".onnx").toString(), options);
        return new Runner() {
            private OnnxTensor tensor;
            private float[] tensorInput;
            private int tensorBatch;

            @Override
            public void predict(float[] input, int batch, float[] output) throws OrtException {
                if (tensor == null || tensorInput != input || tensorBatch != batch) {
                    if (tensor != null) {
                        tensor.close();
                    }
                    tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), shape(batch, sampleShape));
                    tensorInput = input;
                    tensorBatch = batch;
                }
                try (OrtSession.Result result = session.run(Map.of("input", tensor))) {
                    ((OnnxTensor) result.get(0)).getFloatBuffer().get(output);
                }
            }

            @Override
            public void close() throws OrtException {
                if (tensor != null) {
                    tensor.close();
                }
                session.close();
                options.close();
            }
        };
    }

    private static long[] shape(int batch, int[] sampleShape) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = batch;
        for (int i = 0; i < sampleShape.length; i++) {
            shape[i + 1] = sampleShape[i];
        }
        return shape;
    }
}
