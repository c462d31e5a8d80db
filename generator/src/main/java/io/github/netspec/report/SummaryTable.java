package io.github.netspec.report;

import java.util.ArrayList;
import java.util.List;

/** A summary as a plain-text table for a terminal: aligned columns, numbers right-aligned, then the totals. */
public final class SummaryTable {

    private static final String GAP = "  ";

    private SummaryTable() {}

    public static String render(Summary summary) {
        List<String> headers = new ArrayList<>(Cells.HEADERS);
        headers.set(Cells.HEADERS.indexOf("padding"), Cells.paddingHeader(summary));
        List<List<String>> rows = summary.rows().stream().map(Cells::row).toList();
        int[] widths = new int[headers.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = headers.get(column).length();
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(summary.network()).append(" (").append(summary.file()).append(':').append(summary.line())
                .append("): input ").append(Cells.shape(summary.inputShape())).append(", output ")
                .append(Cells.shape(summary.outputShape())).append('\n');
        line(out, headers, widths);
        out.append("-".repeat(totalWidth(widths))).append('\n');
        rows.forEach(row -> line(out, row, widths));
        out.append("-".repeat(totalWidth(widths))).append('\n');
        Cells.footer(summary).forEach(text -> out.append(text).append('\n'));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < widths.length; column++) {
            String cell = cells.get(column);
            String padding = " ".repeat(widths[column] - cell.length());
            line.append(column == 0 ? "" : GAP).append(Cells.NUMERIC.get(column) ? padding + cell : cell + padding);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static int totalWidth(int[] widths) {
        int total = GAP.length() * (widths.length - 1);
        for (int width : widths) {
            total += width;
        }
        return total;
    }
}
