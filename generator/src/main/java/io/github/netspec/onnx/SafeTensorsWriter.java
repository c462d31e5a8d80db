package io.github.netspec.onnx;

import io.github.netspec.generator.GeneratedSources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes float32 tensors in the safetensors format, as safetensors.torch.save_file does, in one atomic write. */
public final class SafeTensorsWriter {

    private SafeTensorsWriter() {}

    /** A float32 tensor: its shape and values in row-major order. */
    public record Tensor(int[] shape, float[] values) {}

    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, Tensor> tensor : tensors.entrySet()) {
            long end = offset + 4L * tensor.getValue().values().length;
            header.append(header.length() == 1 ? "" : ",").append(json(tensor.getKey())).append(":{\"dtype\":\"F32\",\"shape\":[")
                    .append(Arrays.stream(tensor.getValue().shape()).mapToObj(String::valueOf).collect(Collectors.joining(",")))
                    .append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        header.append('}');
        while (header.length() % 8 != 0) {
            header.append(' '); // the data starts 8-byte aligned, as the reference writer does it
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
        out.write(json);
        for (Tensor tensor : tensors.values()) {
            ByteBuffer bytes = ByteBuffer.allocate(4 * tensor.values().length).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(tensor.values());
            out.write(bytes.array());
        }
        GeneratedSources.writeAtomically(file.toAbsolutePath(), out.toByteArray());
    }

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
