package io.github.netspec.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads the safetensors format: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data. The whole header is validated
 * when the file opens, against the file's real size, so a corrupt or hostile file fails before any large
 * allocation. Tensor data is read only when asked for.
 */
public final class SafeTensors implements Closeable {

    /** The reference implementation's limit; real headers are kilobytes. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** One entry of the header. */
    public record TensorInfo(String name, String dtype, List<Long> shape, long begin, long end) {
        public long elementCount() {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            return count;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;

    private SafeTensors(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
    }

    public static SafeTensors open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw malformed(path, "the file has " + fileSize + " bytes, fewer than the 8-byte header length"
                        + " every safetensors file starts with");
            }
            long headerLength = readLittleEndian(channel, 0, 8).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
                throw malformed(path, "the header length field says " + Long.toUnsignedString(headerLength)
                        + " bytes, but " + (fileSize - 8) + " bytes follow it (limit " + MAX_HEADER_BYTES
                        + "): the file is truncated or is not safetensors");
            }
            String header = utf8(path, readLittleEndian(channel, 8, (int) headerLength));
            long dataSize = fileSize - 8 - headerLength;
            Map<String, TensorInfo> tensors = tensorsOf(path, header, dataSize);
            return new SafeTensors(path, channel, 8 + headerLength, tensors);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** Every tensor, by name, in name order. */
    public Map<String, TensorInfo> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    public Optional<TensorInfo> info(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** Whether {@link #floats} can convert a tensor of this dtype. */
    public static boolean isFloat(String dtype) {
        return dtype.equals("F32") || dtype.equals("F16") || dtype.equals("BF16") || dtype.equals("F64");
    }

    /** Reads a float tensor, converting F16, BF16 and F64 to F32. */
    public float[] floats(TensorInfo info) throws IOException {
        if (!isFloat(info.dtype())) {
            throw new WeightsException(path + ": tensor '" + info.name() + "' has dtype " + info.dtype()
                    + "; netspec reads F32, F16, BF16 or F64 tensors");
        }
        int count = Math.toIntExact(info.elementCount());
        ByteBuffer bytes = readLittleEndian(channel, dataStart + info.begin(), Math.toIntExact(info.end() - info.begin()));
        float[] values = new float[count];
        switch (info.dtype()) {
            case "F32" -> bytes.asFloatBuffer().get(values);
            case "F64" -> {
                for (int i = 0; i < count; i++) {
                    values[i] = (float) bytes.getDouble();
                }
            }
            case "F16" -> {
                for (int i = 0; i < count; i++) {
                    values[i] = HalfFloats.fromHalf(bytes.getShort());
                }
            }
            default -> { // BF16: the upper half of an F32
                for (int i = 0; i < count; i++) {
                    values[i] = Float.intBitsToFloat((bytes.getShort() & 0xFFFF) << 16);
                }
            }
        }
        return values;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static Map<String, TensorInfo> tensorsOf(Path path, String header, long dataSize) throws WeightsException {
        Object parsed;
        try {
            parsed = Json.parse(header);
        } catch (WeightsException e) {
            throw malformed(path, e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> entries)) {
            throw malformed(path, "the header is not a JSON object");
        }
        Map<String, TensorInfo> tensors = new TreeMap<>();
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            String name = (String) entry.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            tensors.put(name, tensorInfo(path, name, entry.getValue(), dataSize));
        }
        return tensors;
    }

    private static TensorInfo tensorInfo(Path path, String name, Object entry, long dataSize) throws WeightsException {
        if (!(entry instanceof Map<?, ?> fields)) {
            throw malformed(path, "the entry for '" + name + "' is not an object");
        }
        if (!(fields.get("dtype") instanceof String dtype)) {
            throw malformed(path, "tensor '" + name + "' has no dtype");
        }
        List<Long> shape = longs(path, name, "shape", fields.get("shape"), -1);
        List<Long> offsets = longs(path, name, "data_offsets", fields.get("data_offsets"), 2);
        long begin = offsets.get(0);
        long end = offsets.get(1);
        if (begin > end || end > dataSize) {
            throw malformed(path, "tensor '" + name + "' claims bytes " + begin + " to " + end + " of a data section of "
                    + dataSize + " bytes: the file is truncated or corrupt");
        }
        int elementBytes = elementBytes(path, name, dtype);
        long count = 1;
        for (long dimension : shape) {
            count = dimension != 0 && count > Long.MAX_VALUE / dimension ? Long.MAX_VALUE : count * dimension;
        }
        if (count > Integer.MAX_VALUE || count * elementBytes != end - begin) {
            throw malformed(path, "tensor '" + name + "' has shape " + shape + " of " + dtype + " (" + count
                    + " elements of " + elementBytes + " bytes) but " + (end - begin) + " bytes of data");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static List<Long> longs(Path path, String name, String field, Object value, int requiredSize)
            throws WeightsException {
        if (!(value instanceof List<?> list) || (requiredSize >= 0 && list.size() != requiredSize)) {
            throw malformed(path, "tensor '" + name + "' has no valid " + field);
        }
        for (Object element : list) {
            if (!(element instanceof Long number) || number < 0) {
                throw malformed(path, "tensor '" + name + "' has a " + field + " entry that is not a whole number >= 0: " + element);
            }
        }
        @SuppressWarnings("unchecked")
        List<Long> numbers = (List<Long>) list;
        return List.copyOf(numbers);
    }

    private static int elementBytes(Path path, String name, String dtype) throws WeightsException {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> throw malformed(path, "tensor '" + name + "' has unknown dtype " + dtype);
        };
    }

    private static ByteBuffer readLittleEndian(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new WeightsException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    private static String utf8(Path path, ByteBuffer bytes) throws WeightsException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed(path, "the header is not valid UTF-8");
        }
    }

    private static WeightsException malformed(Path path, String detail) {
        return new WeightsException(path + " is not a valid safetensors file: " + detail);
    }
}
