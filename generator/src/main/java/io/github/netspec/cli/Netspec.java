package io.github.netspec.cli;

import io.github.netspec.generator.GeneratedSources;
import io.github.netspec.generator.NetCompiler;
import io.github.netspec.syntax.Diagnostic;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.SourceVersion;

/**
 * The {@code netspec} command line: {@code check} prints the diagnostics of spec files, {@code generate}
 * writes their Java classes. Exit status: 0 when there is no error (warnings allowed), 1 when a spec has
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
                   netspec --help | --version

            commands:
              check       check the specs and print every error and warning, as path:line:col: error: ...
              generate    check the specs, then write one Java class per network under DIR
                          (in folders that mirror the package); writes nothing if any spec has an error

            options:
              -d DIR              where generate writes (required)
              -p PACKAGE          the Java package of the generated classes (default: the unnamed package)
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
        Options options = Options.parse(args);
        if (options.problem() != null) {
            return usage(options.problem());
        }
        if (options.outputDirectory() != null || options.packageName() != null) {
            return usage("check writes nothing; -d and -p belong to generate");
        }
        NetCompiler.Result result = compile(options, false);
        if (result == null) {
            return USAGE;
        }
        return report(result, options.failOnWarning());
    }

    private int generate(List<String> args) {
        Options options = Options.parse(args);
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
        NetCompiler.Result result = compile(options.withPackage(packageName), true);
        if (result == null) {
            return USAGE;
        }
        int status = report(result, options.failOnWarning());
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

    /** Reads the files, checks them and, if asked, generates; null after reporting a file that cannot be read. */
    private NetCompiler.Result compile(Options options, boolean generate) {
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
        return generate ? NetCompiler.compile(sources, packageName) : NetCompiler.check(sources, packageName);
    }

    /** Prints every diagnostic, then a count; the status says whether the build should fail. */
    private int report(NetCompiler.Result result, boolean failOnWarning) {
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

    /** The options both commands share, parsed by hand: there are too few to justify a library. */
    record Options(List<String> files, String outputDirectory, String packageName, boolean failOnWarning, String problem) {

        static Options parse(List<String> args) {
            List<String> files = new ArrayList<>();
            String outputDirectory = null;
            String packageName = null;
            boolean failOnWarning = false;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "-d", "-p" -> {
                        if (i + 1 == args.size()) {
                            return failure(arg + " needs a value");
                        }
                        if (arg.equals("-d")) {
                            outputDirectory = args.get(++i);
                        } else {
                            packageName = args.get(++i);
                        }
                    }
                    case "--fail-on-warning" -> failOnWarning = true;
                    default -> {
                        if (arg.startsWith("-") && arg.length() > 1) {
                            return failure("unknown option '" + arg + "'");
                        }
                        files.add(arg);
                    }
                }
            }
            return new Options(files, outputDirectory, packageName, failOnWarning, null);
        }

        private static Options failure(String problem) {
            return new Options(List.of(), null, null, false, problem);
        }

        Options withPackage(String name) {
            return new Options(files, outputDirectory, name, failOnWarning, problem);
        }
    }
}
