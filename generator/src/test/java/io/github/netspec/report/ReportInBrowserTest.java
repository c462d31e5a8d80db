package io.github.netspec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of every sample network, opened in headless Chromium: each table and each diagram must be
 * laid out with a size, every layer's box and text painted, and the boxes' colours must be on screen.
 *
 * <p>Without Chromium on the PATH the test is skipped, so {@code mvn install} works on a machine without a
 * browser; with {@code NETSPEC_REQUIRE_TOOLS=1} (as {@code .ci/run} sets) a missing browser fails it.
 */
class ReportInBrowserTest {

    /** Runs after the page has loaded and laid out; it reads the page and writes what it saw as lines. */
    private static final String OBSERVER = """
            <script>
            window.addEventListener('load', () => {
              const shown = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
                return r.width > 0 && r.height > 0 && s.display !== 'none' && s.visibility === 'visible'; };
              const lines = [];
              document.querySelectorAll('section.network').forEach(section => {
                const name = section.id.replace('network-', '');
                const table = section.querySelector('table.summary');
                lines.push(['table', name, shown(table), table.tBodies[0].rows.length,
                            Math.round(table.getBoundingClientRect().width)].join(' '));
                const svg = section.querySelector('svg');
                const boxes = [...svg.querySelectorAll('g.layer rect')];
                const texts = [...svg.querySelectorAll('g.layer text')];
                const edges = [...svg.querySelectorAll('polyline')];
                lines.push(['diagram', name, shown(svg), boxes.length, boxes.filter(shown).length,
                            texts.filter(t => t.getComputedTextLength() > 0).length, texts.length,
                            edges.filter(p => p.getTotalLength() > 0).length, edges.length].join(' '));
              });
              const out = document.createElement('pre');
              out.id = 'netspec-observed';
              out.textContent = lines.join('\\n');
              document.body.appendChild(out);
            });
            </script>
            """;

    private static final Pattern OBSERVED = Pattern.compile("<pre id=\"netspec-observed\">(.*?)</pre>", Pattern.DOTALL);

    private static String chromium;
    private static List<Summary> summaries;

    @TempDir
    static Path folder;

    @BeforeAll
    static void findChromium() throws Exception {
        chromium = Stream.of("chromium", "chromium-browser", "google-chrome").map(ReportInBrowserTest::onPath)
                .filter(path -> path != null).findFirst().orElse(null);
        if (chromium == null && "1".equals(System.getenv("NETSPEC_REQUIRE_TOOLS"))) {
            throw new AssertionError("NETSPEC_REQUIRE_TOOLS=1 but no chromium on the PATH: apt-get install chromium");
        }
        Assumptions.assumeTrue(chromium != null, "no chromium on the PATH");
        summaries = SummaryTest.sampleSummaries().values().stream()
                .sorted((a, b) -> a.network().compareTo(b.network())).toList();
    }

    @Test
    void everyTableAndDiagramIsLaidOutAndPainted() throws Exception {
        String page = HtmlReport.render("samples", summaries.stream().map(DiagramLayout::layout).toList());
        Path observed = folder.resolve("observed.html");
        Files.writeString(observed, page.replace("</body>", OBSERVER + "</body>"), StandardCharsets.UTF_8);
        String dom = chromium("--dump-dom", observed.toUri().toString());
        Matcher matcher = OBSERVED.matcher(dom);
        assertTrue(matcher.find(), "the observer did not run; the page Chromium saw:\n" + dom);

        Map<String, String[]> seen = new HashMap<>();
        for (String line : matcher.group(1).split("\n")) {
            String[] fields = line.split(" ");
            seen.put(fields[0] + " " + fields[1], fields);
        }
        for (Summary summary : summaries) {
            String layers = Integer.toString(summary.rows().size());
            String edges = Long.toString(summary.rows().stream().mapToLong(r -> r.inputs().size()).sum());
            String texts = Integer.toString(3 * summary.rows().size());
            String[] table = seen.get("table " + summary.network());
            String[] diagram = seen.get("diagram " + summary.network());
            assertTrue(table != null && diagram != null, summary.network() + " is missing from the page");
            assertEquals(List.of("true", layers), List.of(table[2], table[3]), summary.network() + ": table shown, a row per layer");
            assertTrue(Integer.parseInt(table[4]) > 300, summary.network() + "'s table is " + table[4] + " px wide");
            assertEquals(List.of("true", layers, layers, texts, texts, edges, edges),
                    List.of(diagram).subList(2, 9), summary.network()
                            + ": diagram shown; boxes, boxes shown; texts with width, texts; edges drawn, edges");
        }
    }

    /** The pixels themselves: a screenshot of the page's top must show the diagram's box colours and the text. */
    @Test
    void theScreenshotShowsTheDiagramsColours() throws Exception {
        Summary mnist = summaries.stream().filter(s -> s.network().equals("MnistNet")).findFirst().orElseThrow();
        Path page = folder.resolve("mnist.html");
        Files.writeString(page, HtmlReport.render("MnistNet", List.of(DiagramLayout.layout(mnist))), StandardCharsets.UTF_8);
        Path png = folder.resolve("mnist.png");
        chromium("--screenshot=" + png, "--window-size=1200,1400", page.toUri().toString());
        BufferedImage image = ImageIO.read(png.toFile());
        Map<Integer, Integer> colours = new HashMap<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.merge(image.getRGB(x, y) & 0xffffff, 1, Integer::sum);
            }
        }
        assertTrue(colours.getOrDefault(0xdbe9f8, 0) > 1000, "the conv2d box's blue is not on screen");
        assertTrue(colours.getOrDefault(0xfbe6cf, 0) > 1000, "the dense box's orange is not on screen");
        long dark = colours.entrySet().stream().filter(e -> brightness(e.getKey()) < 100).mapToLong(Map.Entry::getValue).sum();
        assertTrue(dark > 5000, "hardly any text on screen: " + dark + " dark pixels");
    }

    private static int brightness(int rgb) {
        return ((rgb >> 16 & 0xff) + (rgb >> 8 & 0xff) + (rgb & 0xff)) / 3;
    }

    /**
     * Runs headless Chromium once, in a fresh profile, with what it needs to run as root in a container and
     * without reaching for Google's services (this machine's network is closed to them).
     */
    private static String chromium(String... arguments) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(folder, "profile");
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        command.addAll(List.of(arguments));
        Path log = folder.resolve("chromium.log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + command);
        }
        assertEquals(0, process.exitValue(), "chromium failed: " + command + "\n" + Files.readString(log));
        return out;
    }

    private static String onPath(String program) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(folder, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
