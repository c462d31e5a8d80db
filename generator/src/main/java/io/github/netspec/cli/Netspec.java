package io.github.netspec.cli;

import io.github.netspec.generator.GeneratedSources;
import io.github.netspec.generator.NetCompiler;
import io.github.netspec.generator.Plan;
import io.github.netspec.onnx.OnnxImporter;
import io.github.netspec.onnx.SafeTensorsWriter;
import io.github.netspec.report.Diagram;
import io.github.netspec.report.DiagramLayout;
import io.github.netspec.report.HtmlReport;
import io.github.netspec.report.Summarizer;
import io.github.netspec.report.Summary;
import io.github.netspec.report.SummaryJson;
import io.github.netspec.report.SummaryTable;
import io.github.netspec.report.SvgDiagram;
import io.github.netspec.syntax.Diagnostic;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.SourceVersion;

/**
 * The {@code netspec} command line: {@code check} prints the diagnostics of spec files, {@code generate}
 * writes their Java classes, {@code summary}, {@code diagram} and {@code report} show their networks. Exit status: 0 when there is no error (warnings allowed), 1 when a spec has
 * an error, 2 for bad usage or a file that cannot be read or written, 3 for a bug in netspec itself.
 */
public final class Netspec {

    static final int OK = 0;
    static final int SPEC_ERRORS = 1;
    static final int USAGE = 2;
    /** A failure of netspec itself, never of the user's input. */
    static final int INTERNAL_ERROR = 3;

    private static final String USAGE_TEXT = """
            usage: netspec check [--fail-on-warning] FILE...
                   netspec generate -d DIR [-p PACKAGE] FILE...
                   netspec summary [--json] FILE...
                   netspec diagram [--network NAME] [-o FILE.svg] FILE...
                   netspec report -o FILE.html [--title TITLE] FILE...
                   netspec import MODEL.onnx -o SPEC.net --weights WEIGHTS.safetensors [--network NAME]
                   netspec --help | --version

            commands:
              check       check the specs and print every error and warning, as path:line:col: error: ...
              generate    check the specs, then write one Java class per network under DIR
                          (in folders that mirror the package); writes nothing if any spec has an error
              summary     a table per network: each layer's output shape, resolved padding, parameters,
                          multiply-accumulates, receptive field and jump, activation bytes; then the totals
                          and the activation memory the buffer plan needs against one array per tensor
              diagram     an SVG of one network: a box per layer, an arrow per edge (flow, from, add, concat)
              report      one self-contained HTML page with every network's summary and diagram
              import      an ONNX model as a .net spec and a safetensors file of its weights; lists every
                          operator it cannot express, with counts, and then writes nothing

            options:
              -d DIR              where generate writes (required)
              -p PACKAGE          the Java package of the generated classes (default: the unnamed package)
              -o FILE             where diagram (default: standard output), report or import (the spec) writes
              --json              summary as JSON, in the stable schema netspec-summary/1 (docs/summary.md)
              --network NAME      which network diagram draws, when the files declare more than one;
                                  for import, the network's name (default: from the -o file name)
              --weights FILE      where import writes the weights
              --title TITLE       the report's heading (default: netspec report)
              --fail-on-warning   exit with 1 when there are warnings, as when there are errors

            exit status: 0 no errors (warnings allowed), 1 errors in a spec, 2 bad usage or unreadable file,
                         3 an internal error of netspec
            """;

    private final PrintStream out;
    private final PrintStream err;

    Netspec(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int status;
        try {
            status = new Netspec(System.out, System.err).run(args);
        } catch (RuntimeException | StackOverflowError bug) {
            // Only a bug in netspec gets here; the trace is for the bug report.
            System.err.println("netspec: internal error, please report it with the spec that caused it:");
            bug.printStackTrace();
            status = INTERNAL_ERROR;
        }
        System.exit(status);
    }

    /** Runs one command and returns the exit status; never throws for bad input. */
    int run(String... args) {
        if (args.length == 0) {
            return usage("no command given");
        }
        List<String> rest = List.of(args).subList(1, args.length);
        return switch (args[0]) {
            case "check" -> check(rest);
            case "generate" -> generate(rest);
            case "summary" -> show(Options.parse(rest, "summary", "--json"), this::summary);
            case "diagram" -> show(Options.parse(rest, "diagram", "-o", "--network"), this::diagram);
            case "report" -> show(Options.parse(rest, "report", "-o", "--title")
                    .require("-o", "report needs -o FILE.html, the page to write"), this::report);
            case "import" -> importModel(rest);
            case "-h", "--help", "help" -> {
                out.print(USAGE_TEXT);
                yield OK;
            }
            case "--version", "version" -> {
                out.println("netspec " + version());
                yield OK;
            }
            default -> usage("unknown command '" + args[0] + "'");
        };
    }

    private int check(List<String> args) {
        Options options = Options.parse(args, "check", "--fail-on-warning");
        if (options.problem() != null) {
            return usage(options.problem());
        }
        NetCompiler.Result result = compile(options, Stage.CHECK);
        if (result == null) {
            return USAGE;
        }
        return printDiagnostics(result, options.failOnWarning());
    }

    private int generate(List<String> args) {
        Options options = Options.parse(args, "generate", "-d", "-p", "--fail-on-warning");
        if (options.problem() != null) {
            return usage(options.problem());
        }
        if (options.outputDirectory() == null) {
            return usage("generate needs -d DIR, the folder to write the Java classes to");
        }
        String packageName = options.packageName() == null ? "" : options.packageName();
        if (!packageName.isEmpty() && !SourceVersion.isName(packageName)) {
            return usage("'" + packageName + "' is not a valid Java package name");
        }
        NetCompiler.Result result = compile(options.withPackage(packageName), Stage.GENERATE);
        if (result == null) {
            return USAGE;
        }
        int status = printDiagnostics(result, options.failOnWarning());
        if (status != OK) {
            return status;
        }
        try {
            Path root = Path.of(options.outputDirectory());
            GeneratedSources.Report written = GeneratedSources.update(root, result.files());
            for (Path file : written.written()) {
                out.println("wrote " + root.resolve(file));
            }
            for (Path file : written.unchanged()) {
                out.println("unchanged " + root.resolve(file));
            }
        } catch (IOException | InvalidPathException e) {
            err.println("netspec: cannot write to " + options.outputDirectory() + ": " + describe(e));
            return USAGE;
        }
        return OK;
    }

    /** A command that shows the specs' networks, once they are checked and summarized. */
    private interface Showing {
        int run(Options options, List<Summary> summaries);
    }

    /** Reports bad usage or spec errors, or runs {@code command} on every network's summary. */
    private int show(Options options, Showing command) {
        if (options.problem() != null) {
            return usage(options.problem());
        }
        Summaries planned = summaries(options);
        return planned.status() != OK ? planned.status() : command.run(options, planned.summaries());
    }

    private int summary(Options options, List<Summary> summaries) {
        if (options.json()) {
            out.print(SummaryJson.render(summaries));
        } else {
            out.print(summaries.stream().map(SummaryTable::render).collect(Collectors.joining("\n")));
        }
        return OK;
    }

    private int diagram(Options options, List<Summary> summaries) {
        List<String> names = summaries.stream().map(Summary::network).toList();
        Summary chosen;
        if (options.network() != null) {
            chosen = summaries.stream().filter(s -> s.network().equals(options.network())).findFirst().orElse(null);
            if (chosen == null) {
                return usage("no network named " + options.network() + "; the files declare " + String.join(", ", names));
            }
        } else if (summaries.size() == 1) {
            chosen = summaries.get(0);
        } else {
            return usage("the files declare " + summaries.size() + " networks (" + String.join(", ", names)
                    + "); choose one with --network NAME");
        }
        String svg = SvgDiagram.render(DiagramLayout.layout(chosen));
        if (options.output() == null) {
            out.print(svg);
            return OK;
        }
        return write(options.output(), svg);
    }

    private int report(Options options, List<Summary> summaries) {
        List<Diagram> diagrams = summaries.stream().map(DiagramLayout::layout).toList();
        String title = options.title() == null ? "netspec report" : options.title();
        return write(options.output(), HtmlReport.render(title, diagrams));
    }

    private int importModel(List<String> args) {
        Options options = Options.parse(args, "import", "-o", "--weights", "--network");
        if (options.problem() != null) {
            return usage(options.problem());
        }
        if (options.files().size() != 1 || options.output() == null || options.weights() == null) {
            return usage("import needs one MODEL.onnx, -o SPEC.net and --weights WEIGHTS.safetensors");
        }
        String name = options.network() != null ? options.network() : className(options.output());
        if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
            return usage("'" + name + "' cannot name a network (a Java class); choose one with --network NAME");
        }
        OnnxImporter.Imported imported;
        try {
            imported = OnnxImporter.translate(OnnxImporter.read(Path.of(options.files().get(0))), name,
                    options.files().get(0));
        } catch (IOException | InvalidPathException e) {
            err.println("netspec: cannot import " + options.files().get(0) + ": " + describe(e));
            return USAGE;
        } catch (OnnxImporter.UnsupportedModelException e) {
            err.println("netspec: " + e.getMessage());
            return SPEC_ERRORS;
        }
        // The spec must be one netspec accepts before anything is written.
        NetCompiler.Result checked = NetCompiler.check(List.of(new NetCompiler.Source(options.output(), imported.spec())), "");
        if (checked.hasErrors()) {
            err.println("netspec: the imported spec does not check; nothing was written. Please report it with the model:");
            checked.diagnostics().forEach(d -> err.println(d.render()));
            return INTERNAL_ERROR;
        }
        try {
            SafeTensorsWriter.write(Path.of(options.weights()), imported.weights());
        } catch (IOException | InvalidPathException e) {
            err.println("netspec: cannot write " + options.weights() + ": " + describe(e));
            return USAGE;
        }
        int status = write(options.output(), imported.spec());
        if (status == OK) {
            out.println("wrote " + options.weights() + " (" + imported.weights().size() + " tensors)");
        }
        return status;
    }

    /** mnist_small.net names MnistSmall. */
    private static String className(String file) {
        String base = Path.of(file).getFileName().toString().replaceFirst("\\.net$", "");
        StringBuilder name = new StringBuilder();
        for (String part : base.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return name.toString();
    }

    /** Every network's summary, or, when the status is not OK, none. */
    private record Summaries(List<Summary> summaries, int status) {}

    /**
     * Checks and plans the specs and summarizes every network. A file that cannot be read, or a spec with
     * an error (whose diagnostics are printed, as check prints them), gives no summaries and a failing status.
     */
    private Summaries summaries(Options options) {
        NetCompiler.Result result = compile(options, Stage.PLAN);
        if (result == null) {
            return new Summaries(List.of(), USAGE);
        }
        if (result.hasErrors()) {
            return new Summaries(List.of(), printDiagnostics(result, false));
        }
        result.diagnostics().forEach(d -> err.println(d.render())); // warnings, kept off the table and the JSON
        return new Summaries(result.plans().stream().map(Summarizer::summarize).toList(), OK);
    }

    private int write(String file, String text) {
        try {
            GeneratedSources.writeAtomically(Path.of(file).toAbsolutePath(), text.getBytes(StandardCharsets.UTF_8));
            out.println("wrote " + file);
            return OK;
        } catch (IOException | InvalidPathException e) {
            err.println("netspec: cannot write " + file + ": " + describe(e));
            return USAGE;
        }
    }

    /** How far a command takes the specs. */
    private enum Stage { CHECK, PLAN, GENERATE }

    /** Reads the files, then checks, plans or generates; null after reporting a file that cannot be read. */
    private NetCompiler.Result compile(Options options, Stage stage) {
        if (options.files().isEmpty()) {
            usage("no spec files given");
            return null;
        }
        List<NetCompiler.Source> sources = new ArrayList<>();
        for (String file : options.files()) {
            try {
                sources.add(NetCompiler.Source.read(Path.of(file), file));
            } catch (IOException | InvalidPathException e) {
                err.println("netspec: cannot read " + file + ": " + describe(e));
                return null;
            }
        }
        String packageName = options.packageName() == null ? "" : options.packageName();
        return switch (stage) {
            case CHECK -> NetCompiler.check(sources, packageName);
            case PLAN -> NetCompiler.plan(sources, packageName);
            case GENERATE -> NetCompiler.compile(sources, packageName);
        };
    }

    /** Prints every diagnostic, then a count; the status says whether the build should fail. */
    private int printDiagnostics(NetCompiler.Result result, boolean failOnWarning) {
        result.diagnostics().forEach(d -> out.println(d.render()));
        long errors = result.errorCount();
        long warnings = result.diagnostics().size() - errors;
        if (errors + warnings > 0) {
            long files = result.diagnostics().stream().map(Diagnostic::file).distinct().count();
            out.println(count(errors, "error") + " and " + count(warnings, "warning") + " in " + count(files, "file"));
        }
        return errors > 0 || (failOnWarning && warnings > 0) ? SPEC_ERRORS : OK;
    }

    private int usage(String problem) {
        err.println("netspec: " + problem);
        err.print(USAGE_TEXT);
        return USAGE;
    }

    private static String describe(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String version() {
        String version = Netspec.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    /** The options of every command, parsed by hand: there are too few to justify a library. */
    record Options(List<String> files, String outputDirectory, String packageName, String output, String network,
                   String title, String weights, boolean json, boolean failOnWarning, Set<String> given, String problem) {

        private static final Set<String> WITH_VALUE = Set.of("-d", "-p", "-o", "--network", "--title", "--weights");

        /** The options of {@code command}, which takes only those {@code allowed}; any other is a problem. */
        static Options parse(List<String> args, String command, String... allowed) {
            Options options = parse(args);
            if (options.problem() != null) {
                return options;
            }
            Set<String> accepted = Set.of(allowed);
            return options.given().stream().filter(option -> !accepted.contains(option)).findFirst()
                    .map(option -> failure(command + " does not take " + option)).orElse(options);
        }

        private static Options parse(List<String> args) {
            List<String> files = new ArrayList<>();
            Map<String, String> values = new HashMap<>();
            Set<String> given = new LinkedHashSet<>();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (WITH_VALUE.contains(arg)) {
                    if (i + 1 == args.size()) {
                        return failure(arg + " needs a value");
                    }
                    values.put(arg, args.get(++i));
                    given.add(arg);
                } else if (arg.equals("--json") || arg.equals("--fail-on-warning")) {
                    given.add(arg);
                } else if (arg.startsWith("-") && arg.length() > 1) {
                    return failure("unknown option '" + arg + "'");
                } else {
                    files.add(arg);
                }
            }
            return new Options(files, values.get("-d"), values.get("-p"), values.get("-o"), values.get("--network"),
                    values.get("--title"), values.get("--weights"), given.contains("--json"),
                    given.contains("--fail-on-warning"), Set.copyOf(given), null);
        }

        private static Options failure(String problem) {
            return new Options(List.of(), null, null, null, null, null, null, false, false, Set.of(), problem);
        }

        /** These options, or a problem when {@code option} was not given. */
        Options require(String option, String problem) {
            return this.problem != null || given.contains(option) ? this : failure(problem);
        }

        Options withPackage(String name) {
            return new Options(files, outputDirectory, name, output, network, title, weights, json, failOnWarning, given,
                    problem);
        }
    }
}
