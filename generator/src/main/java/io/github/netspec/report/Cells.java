package io.github.netspec.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the text table and the HTML report write a summary's values, so the two always agree. */
final class Cells {

    /** The columns of a layer row, in order. */
    static final List<String> HEADERS = List.of("name", "layer", "output", "padding", "params", "MACs",
            "receptive field", "jump", "activations");

    /** Which columns hold numbers, right-aligned. */
    static final List<Boolean> NUMERIC = List.of(false, false, false, false, true, true, false, false, true);

    private Cells() {}

    static List<String> row(Summary.Row row) {
        return List.of(row.name(), row.layer(), shape(row.outputShape()), padding(row.padding()),
                count(row.parameters()), count(row.macs()), perAxis(row.receptiveField()), perAxis(row.jump()),
                bytes(row.activationBytes()));
    }

    /** The header of the padding column says which side is which. */
    static String paddingHeader(Summary summary) {
        return summary.inputShape().size() == 2 ? "padding l,r" : "padding t,b,l,r";
    }

    static String shape(List<Integer> dimensions) {
        return dimensions.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }

    static String padding(List<Integer> sides) {
        return sides == null ? "" : sides.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** {@code 7x7} per spatial axis (height by width), or the one length of a sequence. */
    static String perAxis(List<? extends Number> values) {
        return values == null ? "" : values.stream().map(Cells::number).collect(Collectors.joining("x"));
    }

    /** A whole number without ".0"; a fraction (a jump after upsampling) with up to three decimals. */
    static String number(Number value) {
        double v = value.doubleValue();
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new BigDecimal(v).setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }

    /** With thousands separators, in the same way on every machine. */
    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** Binary units, one decimal from KiB up: 3,136 → "3.1 KiB". */
    static String bytes(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit + 1 < units.length) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** "2.41 GMACs", "289 kMACs", "544 MACs": three significant figures and a decimal SI prefix. */
    static String macs(long value) {
        String[] prefixes = {"", "k", "M", "G", "T"};
        double scaled = value;
        int prefix = 0;
        while (scaled >= 999.5 && prefix + 1 < prefixes.length) { // 999,600 is "1.00 M", not "1.00e+03 k"
            scaled /= 1000;
            prefix++;
        }
        String number = prefix == 0 ? Long.toString(value) : String.format(Locale.ROOT, "%.3g", scaled);
        return number + " " + prefixes[prefix] + "MACs";
    }

    /** The footer lines, the same in text and HTML. */
    static List<String> footer(Summary summary) {
        Summary.Totals totals = summary.totals();
        String parameters = "parameters: " + count(totals.parameters()) + " (" + bytes(totals.parameters() * Float.BYTES)
                + " as float32)" + (totals.buffers() == 0 ? ""
                : ", and " + count(totals.buffers()) + " batch norm statistics, which PyTorch keeps as buffers and Keras's"
                        + " Total params counts too (" + count(totals.parameters() + totals.buffers()) + ")");
        String macs = "MACs: " + count(totals.macs()) + " multiply-accumulates per sample (" + macs(totals.macs()) + ")";
        long unplanned = totals.unplannedBytes() + totals.inputBytes() + totals.outputBytes();
        String memory = String.format(Locale.ROOT,
                "activation memory per sample: %s at peak (arena %s + input %s + output %s);"
                        + " %s with an array per intermediate tensor%s",
                bytes(totals.peakBytes()), bytes(totals.arenaBytes()), bytes(totals.inputBytes()),
                bytes(totals.outputBytes()), bytes(unplanned), saving(totals));
        String outputs = "every layer's output kept, as an eager framework keeps them: " + bytes(totals.activationBytes());
        return List.of(parameters, macs, memory, outputs);
    }

    private static String saving(Summary.Totals totals) {
        if (totals.unplannedBytes() == 0 || totals.arenaBytes() == totals.unplannedBytes()) {
            return "";
        }
        double unplanned = totals.unplannedBytes() + totals.inputBytes() + totals.outputBytes();
        return String.format(Locale.ROOT, " (%.2fx the peak)", unplanned / totals.peakBytes());
    }
}
