package io.github.netspec.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link NetworkBenchmark} for both systems in one go and prints the comparison as a Markdown table:
 * milliseconds per batch, how many times faster netspec is than ONNX Runtime, netspec's GFLOP/s against the
 * machine's peak, and the scalar fallback's throughput against ONNX Runtime's.
 *
 * <p>Each (network, batch, threads, system) runs in its own forked JVM. The Vector API forks start with
 * {@code --add-modules jdk.incubator.vector}, as the README tells users to; the scalar forks without it.
 * Settings come from system properties ({@code bench.networks}, {@code bench.batches}, {@code bench.threads},
 * {@code bench.scalar}, {@code bench.seconds}, {@code bench.peak}), which the pom fills from {@code -D}. With
 * no {@code bench.peak}, the peak is measured in the same run ({@link FmaPeak}).
 */
public final class BenchmarkTable {

    private record Key(String network, int batch, int threads, String system) {}

    /**
     * Warm-up iterations before the five measured ones. Three of 2 s were too few for ResNet-18 at batch 1 on
     * one thread, about 180 calls: in one run netspec was still getting faster through its measured iterations
     * (54.6, 44.1, 42.4, 38.5, 34.5 ms), so the mean counted JIT warm-up, not steady state. Both systems get
     * the same.
     */
    private static final int WARMUP_ITERATIONS = 5;

    private BenchmarkTable() {}

    public static void main(String[] args) throws RunnerException, IOException {
        Path models = Path.of(System.getProperty("bench.models", "samples/bench/models"));
        Path macsFile = models.resolve("networks.properties");
        if (!Files.isRegularFile(macsFile)) {
            System.err.println("error: no benchmark models in " + models.toAbsolutePath() + "\n"
                    + "  hint: run /usr/bin/python3 samples/bench/export_models.py from the repository root first");
            System.exit(2);
        }
        Properties macs = new Properties();
        try (Reader reader = Files.newBufferedReader(macsFile)) {
            macs.load(reader);
        }
        String[] networks = list("bench.networks", "MnistNet,Seed000Convs,VggLike,MobileNetV2,ResNet18");
        String[] batches = list("bench.batches", "1,8");
        String[] threads = list("bench.threads", "1,2");
        int seconds = Integer.getInteger("bench.seconds", 2);
        String peakSetting = System.getProperty("bench.peak", "").trim();

        Map<Key, Double> millis = new HashMap<>();
        String modelsArgument = "-Dbench.models=" + models.toAbsolutePath();
        measure(millis, "", options(networks, batches, threads, new String[] {"netspec", "onnxruntime"}, seconds)
                .jvmArgs("--add-modules", "jdk.incubator.vector", "-Xmx6g", modelsArgument));
        if (Boolean.parseBoolean(System.getProperty("bench.scalar", "true"))) {
            measure(millis, " scalar", options(networks, batches, threads, new String[] {"netspec"}, seconds)
                    .jvmArgs("-Xmx6g", modelsArgument));
        }

        double peakPerCore = peakSetting.isEmpty() ? measurePeak(seconds) : Double.parseDouble(peakSetting);
        String peakSource = peakSetting.isEmpty() ? "one core's vector FMA throughput, the fastest iteration of FmaPeak in this run"
                : "as given";
        String table = table(millis, macs, networks, batches, threads, peakPerCore, peakSource);
        System.out.println();
        System.out.println(table);
        Path report = Path.of(System.getProperty("bench.report", "benchmark-table.md"));
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, table);
        System.out.println("written to " + report);
    }

    private static String[] list(String property, String defaults) {
        return System.getProperty(property, defaults).split(",");
    }

    private static ChainedOptionsBuilder options(String[] networks, String[] batches, String[] threads,
                                                 String[] systems, int seconds) {
        return new OptionsBuilder()
                .include(NetworkBenchmark.class.getName() + ".predict")
                .param("network", networks)
                .param("batch", batches)
                .param("threads", threads)
                .param("system", systems)
                .forks(1)
                .warmupIterations(WARMUP_ITERATIONS)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(seconds))
                .shouldFailOnError(true);
    }

    private static void measure(Map<Key, Double> millis, String systemSuffix, ChainedOptionsBuilder options)
            throws RunnerException {
        Collection<RunResult> results = new Runner(options.build()).run();
        for (RunResult result : results) {
            var params = result.getParams();
            millis.put(new Key(params.getParam("network"), Integer.parseInt(params.getParam("batch")),
                    Integer.parseInt(params.getParam("threads")), params.getParam("system") + systemSuffix),
                    result.getPrimaryResult().getScore());
        }
    }

    /** One core's FMA throughput in GFLOP/s, from {@link FmaPeak}'s fastest iteration in a fork of its own. */
    private static double measurePeak(int seconds) throws RunnerException {
        RunResult result = new Runner(new OptionsBuilder()
                .include(FmaPeak.class.getName() + ".fma")
                .forks(1)
                .warmupIterations(WARMUP_ITERATIONS)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(seconds))
                .jvmArgs("--add-modules", "jdk.incubator.vector")
                .shouldFailOnError(true)
                .build()).runSingle();
        // The fastest iteration: a peak is what the core can do, and on a shared machine the mean is not that.
        return FmaPeak.FLOPS_PER_CALL / result.getPrimaryResult().getStatistics().getMin();
    }

    /** The table, one row per network, batch and thread count; a blank cell where a run was not asked for. */
    static String table(Map<Key, Double> millis, Properties macs, String[] networks, String[] batches,
                        String[] threads, double peakPerCore, String peakSource) {
        List<String> rows = new ArrayList<>();
        rows.add("| network | batch | threads | netspec ms | ORT ms | netspec speed-up | netspec GFLOP/s | % of peak "
                + "| scalar ms | scalar throughput / ORT |");
        rows.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String network : networks) {
            double flopsPerSample = 2.0 * Long.parseLong(macs.getProperty(network + ".macs", "0"));
            for (String b : batches) {
                for (String t : threads) {
                    int batch = Integer.parseInt(b);
                    int threadCount = Integer.parseInt(t);
                    Double netspec = millis.get(new Key(network, batch, threadCount, "netspec"));
                    Double ort = millis.get(new Key(network, batch, threadCount, "onnxruntime"));
                    Double scalar = millis.get(new Key(network, batch, threadCount, "netspec scalar"));
                    Double gflops = netspec == null ? null : flopsPerSample * batch / (netspec * 1e6);
                    Double ofPeak = gflops == null ? null : 100 * gflops / (peakPerCore * threadCount);
                    rows.add(String.join(" | ", Stream.of(
                            "| " + network, b, t,
                            number(netspec, "%.3f"), number(ort, "%.3f"),
                            ratio(ort, netspec), number(gflops, "%.1f"),
                            number(ofPeak, "%.0f%%"),
                            number(scalar, "%.3f"), ratio(ort, scalar) + " |").toList()));
                }
            }
        }
        rows.add("");
        rows.add(String.format(Locale.ROOT, "ms: average time of one predict on the whole batch (JMH, 1 fork, %d "
                + "warm-up and 5 measured iterations). Speed-up: ORT ms / netspec ms, above 1 when netspec is faster. "
                + "Peak: %.0f GFLOP/s per thread, %s. Java %s, %d cores.", WARMUP_ITERATIONS, peakPerCore,
                peakSource, Runtime.version(),
                Runtime.getRuntime().availableProcessors()));
        return String.join("\n", rows) + "\n";
    }

    private static String number(Double value, String format) {
        return value == null ? "" : String.format(Locale.ROOT, format, value);
    }

    private static String ratio(Double numerator, Double denominator) {
        return numerator == null || denominator == null ? ""
                : String.format(Locale.ROOT, "%.2f×", numerator / denominator);
    }
}
