package io.github.netspec.report;

import java.util.List;

/**
 * The summaries as JSON, in the schema docs/summary.md documents ({@code "schema": "netspec-summary/1"}).
 * Fields are only ever added to a schema version, never renamed or removed; the order of fields and the
 * formatting are fixed, so the output of a spec is byte-for-byte stable.
 */
public final class SummaryJson {

    public static final String SCHEMA = "netspec-summary/1";

    private final StringBuilder out = new StringBuilder();
    private int depth;

    private SummaryJson() {}

    public static String render(List<Summary> summaries) {
        SummaryJson json = new SummaryJson();
        json.open('{');
        json.field("schema").string(SCHEMA).comma();
        json.field("networks").open('[');
        for (int i = 0; i < summaries.size(); i++) {
            json.newline().network(summaries.get(i));
            if (i + 1 < summaries.size()) {
                json.out.append(',');
            }
        }
        json.close(']').close('}');
        return json.out.append('\n').toString();
    }

    private SummaryJson network(Summary summary) {
        open('{');
        field("name").string(summary.network()).comma();
        field("file").string(summary.file()).comma();
        field("line").number(summary.line()).comma();
        field("inputShape").numbers(summary.inputShape()).comma();
        field("outputShape").numbers(summary.outputShape()).comma();
        field("layers").open('[');
        for (int i = 0; i < summary.rows().size(); i++) {
            newline().row(summary.rows().get(i));
            if (i + 1 < summary.rows().size()) {
                out.append(',');
            }
        }
        close(']').comma();
        Summary.Totals totals = summary.totals();
        field("totals").open('{');
        field("parameters").number(totals.parameters()).comma();
        field("buffers").number(totals.buffers()).comma();
        field("macs").number(totals.macs()).comma();
        field("activationBytes").number(totals.activationBytes()).comma();
        field("arenaBytes").number(totals.arenaBytes()).comma();
        field("unplannedBytes").number(totals.unplannedBytes()).comma();
        field("inputBytes").number(totals.inputBytes()).comma();
        field("outputBytes").number(totals.outputBytes()).comma();
        field("peakBytes").number(totals.peakBytes());
        return close('}').close('}');
    }

    /** One layer on one line: a diff of two summaries then shows which layers changed. */
    private void row(Summary.Row row) {
        out.append("{\"name\": ");
        string(row.name());
        out.append(", \"layer\": ");
        string(row.layer());
        out.append(", \"line\": ").append(row.line()).append(", \"column\": ").append(row.column());
        out.append(", \"inputs\": [");
        for (int i = 0; i < row.inputs().size(); i++) {
            out.append(i == 0 ? "" : ", ").append("{\"from\": ");
            string(row.inputs().get(i));
            out.append(", \"edge\": ");
            string(row.edges().get(i).jsonName());
            out.append('}');
        }
        out.append("], \"outputShape\": ");
        numbers(row.outputShape());
        out.append(", \"padding\": ");
        numbers(row.padding());
        out.append(", \"parameters\": ").append(row.parameters()).append(", \"macs\": ").append(row.macs());
        out.append(", \"receptiveField\": ");
        numbers(row.receptiveField());
        out.append(", \"jump\": ");
        numbers(row.jump());
        out.append(", \"activationBytes\": ").append(row.activationBytes()).append('}');
    }

    private SummaryJson open(char bracket) {
        out.append(bracket);
        depth++;
        return this;
    }

    private SummaryJson close(char bracket) {
        depth--;
        newline();
        out.append(bracket);
        return this;
    }

    private SummaryJson newline() {
        out.append('\n').append("  ".repeat(depth));
        return this;
    }

    private SummaryJson field(String name) {
        newline();
        string(name);
        out.append(": ");
        return this;
    }

    private SummaryJson comma() {
        out.append(',');
        return this;
    }

    private SummaryJson number(long value) {
        out.append(value);
        return this;
    }

    private SummaryJson numbers(List<? extends Number> values) {
        if (values == null) {
            out.append("null");
            return this;
        }
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(json(values.get(i)));
        }
        out.append(']');
        return this;
    }

    /** A whole number as an integer; a fraction (a jump after upsampling) in full, as Java's shortest decimal. */
    private static String json(Number value) {
        double v = value.doubleValue();
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** A JSON string: quotes, backslashes and control characters escaped (RFC 8259, section 7). */
    private SummaryJson string(String value) {
        out.append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        return this;
    }
}
