package io.github.netspec.generator;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.github.netspec.generator.Plan.Buffer;
import io.github.netspec.runtime.Activations;
import io.github.netspec.runtime.AddKernel;
import io.github.netspec.runtime.BatchNorm;
import io.github.netspec.runtime.ChannelsLast;
import io.github.netspec.runtime.ConvGeometry;
import io.github.netspec.runtime.ConvKernel;
import io.github.netspec.runtime.DenseKernel;
import io.github.netspec.runtime.PaddingMode;
import io.github.netspec.runtime.PoolGeometry;
import io.github.netspec.runtime.PoolKernel;
import io.github.netspec.runtime.SampleSplit;
import io.github.netspec.runtime.TransposedConvGeometry;
import io.github.netspec.runtime.TransposedConvKernel;
import io.github.netspec.runtime.Upsampling;
import io.github.netspec.runtime.Pooling;
import io.github.netspec.runtime.Scratch;
import io.github.netspec.runtime.TaskKernel;
import io.github.netspec.runtime.Tensors;
import io.github.netspec.runtime.ThreadTeam;
import io.github.netspec.runtime.WeightsLoader;
import io.github.netspec.runtime.Workspace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Writes a plan as one Java class. Output depends only on the plan: no timestamps, no absolute paths, so
 * an unchanged spec gives byte-identical source and incremental builds stay incremental.
 */
public final class JavaEmitter {

    static final String GENERATOR = "io.github.netspec.generator";
    private static final TypeName FLOATS = TypeName.get(float[].class);
    private static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
    /** The runtime's element-wise activations; the generator's own {@link Activation} names the language's. */
    private static final ClassName RUNTIME_ACTIVATION = ClassName.get(io.github.netspec.runtime.Activation.class);
    /**
     * Weights of dense layers, in floats, up to which a team splits a batch by samples ({@link SampleSplit}):
     * each thread then reads them for its own samples, one more pass over them per thread, which at 16 MB is
     * about a millisecond at this machine's memory bandwidth (15 GB/s). A layer bound by reading its weights
     * (VggLike's 65536×1024, 268 MB) runs faster shared, each thread reading a part of it once.
     */
    static final long SAMPLE_SPLIT_DENSE_WEIGHTS = 4L << 20;

    private final Plan plan;
    private final CheckedNetwork network;
    private final ClassName self;
    /** Whether a team may split a batch by samples ({@link #splitsBySamples(Plan)}). */
    private final boolean splitsBySamples;

    private JavaEmitter(Plan plan, String packageName) {
        this.plan = plan;
        this.network = plan.network();
        this.self = ClassName.get(packageName, network.name());
        this.splitsBySamples = splitsBySamples(plan);
    }

    public static JavaFile emit(Plan plan, String packageName) {
        return new JavaEmitter(plan, packageName).javaFile();
    }

    private JavaFile javaFile() {
        TypeSpec.Builder type = TypeSpec.classBuilder(self)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc(classJavadoc())
                .addAnnotation(AnnotationSpec.builder(GENERATED)
                        .addMember("value", "$S", GENERATOR)
                        .addMember("comments", "$S", "from " + network.file())
                        .build())
                .addField(constant(TypeName.INT, "INPUT_SIZE", "Floats in one input sample.", network.inputShape().size()))
                .addField(constant(TypeName.INT, "OUTPUT_SIZE", "Floats in one output.", network.outputShape().size()))
                .addField(constant(TypeName.LONG, "PARAMETER_COUNT",
                        "Trainable parameters, counted as PyTorch's {@code parameters()} does.", network.parameterCount() + "L"))
                .addField(shapeField("INPUT_SHAPE", network.inputShape()))
                .addField(shapeField("OUTPUT_SHAPE", network.outputShape()));
        type.addField(FieldSpec.builder(TypeName.INT, "ARENA_SIZE", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Floats of intermediate tensors per sample at the planned peak (each tensor alone: $L).",
                        plan.naiveSize())
                .initializer("$L", plan.arenaSize())
                .build());
        if (plan.samplesPerPass() > 0) {
            type.addField(FieldSpec.builder(TypeName.INT, "SAMPLES_PER_PASS", Modifier.PRIVATE, Modifier.STATIC,
                            Modifier.FINAL)
                    .addJavadoc("Samples a batch runs through the layers at a time, so that a pass's tensors stay in cache:\n"
                            + "the weights ($L) are few beside a sample's tensors.", network.parameterCount())
                    .initializer("$L", plan.samplesPerPass())
                    .build());
        }
        plan.steps().forEach(step -> geometryField(step).ifPresent(type::addField));
        plan.steps().forEach(step -> kernelFieldSpec(step).ifPresent(type::addField));
        type.addField(FieldSpec.builder(ParameterizedTypeName.get(ThreadLocal.class, Workspace.class), "workspaces",
                        Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("Each calling thread's arena and scratch, made on its first call and reused after.")
                .build());
        type.addField(FieldSpec.builder(ThreadTeam.class, "team", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("The threads that share each large layer: the caller alone, unless made by {@link #withThreads}.")
                .build());
        if (splitsBySamples) {
            type.addField(FieldSpec.builder(SampleSplit.class, "samples", Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("The whole network as one task per thread, each on its own samples of a batch.")
                    .build());
        }
        return JavaFile.builder(self.packageName(), type
                        .addMethod(constructor())
                        .addMethod(viewConstructor())
                        .addMethod(load())
                        .addMethod(withThreads())
                        .addMethod(shapeGetter("inputShape", "INPUT_SHAPE", "The input shape of one sample (batch excluded)."))
                        .addMethod(shapeGetter("outputShape", "OUTPUT_SHAPE", "The output shape of one sample."))
                        .addMethod(predictOne())
                        .addMethod(predictInto())
                        .addMethod(predictBatch())
                        .addMethods(plan.samplesPerPass() > 0 ? List.of(passes(), layers("pass")) : List.of(layers("run")))
                        .build())
                .skipJavaLangImports(true)
                .indent("    ")
                .build();
    }

    // ---- class documentation ----------------------------------------------------------------------------

    private CodeBlock classJavadoc() {
        CodeBlock.Builder doc = CodeBlock.builder()
                .add("The {@code $L} network from {@code $L}, generated by netspec. Do not edit: change the spec.\n\n",
                        network.name(), network.file())
                .add("<p>Input $L ($L floats), output $L ($L floats), $L parameters.\n",
                        network.inputShape(), network.inputShape().size(), network.outputShape(),
                        network.outputShape().size(), network.parameterCount())
                .add("Load trained weights with {@link #load(Path)}, then call {@link #predict(float[])} from any number of threads;\n")
                .add("{@link #withThreads(int)} shares each large layer among several threads instead$L.\n",
                        splitsBySamples ? ",\nor gives each thread its share of a batch" : "")
                .add("Intermediate tensors take $L floats per sample and thread, planned by liveness ($L if each had its own array).\n\n",
                        plan.arenaSize(), plan.naiveSize())
                .add("<table>\n<caption>Layers</caption>\n<tr><th>line</th><th>layer</th><th>output shape</th><th>parameters</th></tr>\n");
        for (Node node : network.nodes()) {
            doc.add("<tr><td>$L</td><td>{@code $L}</td><td>$L</td><td>$L</td></tr>\n",
                    node.position().line(), node.source(), node.shape(), node.parameterCount());
        }
        return doc.add("</table>\n").build();
    }

    private static FieldSpec constant(TypeName type, String name, String doc, Object value) {
        return FieldSpec.builder(type, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc(doc)
                .initializer("$L", value)
                .build();
    }

    private static FieldSpec shapeField(String name, Shape shape) {
        return FieldSpec.builder(int[].class, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$L", intArray(shape.toArray()))
                .build();
    }

    private static MethodSpec shapeGetter(String name, String field, String doc) {
        return MethodSpec.methodBuilder(name)
                .addJavadoc(doc + " A fresh copy on every call.")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(int[].class)
                .addStatement("return $N.clone()", field)
                .build();
    }

    // ---- weights ---------------------------------------------------------------------------------------

    private static Optional<String> kernelField(Plan.Step step) {
        return kernelFieldSpec(step).map(FieldSpec::name);
    }

    private static Optional<FieldSpec> kernelFieldSpec(Plan.Step step) {
        if (step instanceof Plan.ConvStep conv) {
            Class<?> type = conv.outputChannelsLast() ? TaskKernel.class : ConvKernel.class;
            return Optional.of(FieldSpec.builder(type, conv.field(), Modifier.PRIVATE, Modifier.FINAL).build());
        }
        if (step instanceof Plan.DenseStep dense) {
            return Optional.of(FieldSpec.builder(DenseKernel.class, dense.field(), Modifier.PRIVATE, Modifier.FINAL).build());
        }
        if (step instanceof Plan.BatchNormStep norm) {
            return Optional.of(FieldSpec.builder(BatchNorm.class, norm.field(), Modifier.PRIVATE, Modifier.FINAL).build());
        }
        if (step instanceof Plan.TransposedConvStep conv) {
            return Optional.of(FieldSpec.builder(TransposedConvKernel.class, conv.field(), Modifier.PRIVATE, Modifier.FINAL)
                    .build());
        }
        return Optional.empty();
    }

    /** Reads every tensor and prepares each kernel's weights for its algorithm (packed, transposed, folded). */
    private MethodSpec constructor() {
        MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PRIVATE)
                .addParameter(WeightsLoader.class, "weights")
                .addException(IOException.class);
        List<String> kernels = new ArrayList<>();
        for (Plan.Step step : plan.steps()) {
            if (step instanceof Plan.ConvStep conv) {
                // A convolution that writes a buffer marked channels-last is prepared by ChannelsLast, told the
                // input's layout; the same arguments otherwise go to ConvKernel.create.
                CodeBlock arguments = CodeBlock.of("$T.$L, $N,\n$>$L,\n$L,\n$L,\n$T.$L, $Lf",
                        ConvKernel.Algorithm.class, conv.algorithm().name(), conv.geometryName(),
                        read(conv.weight(), conv.node()),
                        conv.bias() == null ? "null" : read(conv.bias(), conv.node()),
                        conv.norm() == null ? "null" : fold(conv.norm()),
                        RUNTIME_ACTIVATION, conv.activation().name(), Float.toString((float) conv.alpha()));
                if (conv.outputChannelsLast()) {
                    constructor.addStatement("this.$N = $T.convolution($L, $L$<)", conv.field(), ChannelsLast.class,
                            arguments, conv.inputChannelsLast());
                } else {
                    constructor.addStatement("this.$N = $T.create($L$<)", conv.field(), ConvKernel.class, arguments);
                }
                kernels.add(conv.field());
            } else if (step instanceof Plan.DenseStep dense) {
                constructor.addStatement("this.$N = $T.create($L, $L,\n$>$L,\n$L,\n$T.$L, $Lf$<)", dense.field(),
                        DenseKernel.class, dense.inFeatures(), dense.outFeatures(),
                        read(dense.weight(), dense.node()),
                        dense.bias() == null ? "null" : read(dense.bias(), dense.node()),
                        RUNTIME_ACTIVATION, dense.activation().name(), Float.toString((float) dense.alpha()));
                kernels.add(dense.field());
            } else if (step instanceof Plan.BatchNormStep norm) {
                constructor.addStatement("this.$N = $L", norm.field(), fold(norm.norm()));
            } else if (step instanceof Plan.TransposedConvStep conv) {
                constructor.addStatement("this.$N = new $T($N,\n$>$L,\n$L,\n$T.$L, $Lf$<)", conv.field(),
                        TransposedConvKernel.class, conv.geometryName(), read(conv.weight(), conv.node()),
                        conv.bias() == null ? "null" : read(conv.bias(), conv.node()),
                        RUNTIME_ACTIVATION, conv.activation().name(), Float.toString((float) conv.alpha()));
            }
        }
        constructor
                .addStatement("$T[] kernels = {$L}", TaskKernel.class, String.join(", ", kernels))
                .addStatement("this.workspaces = $T.withInitial(() -> new $T(ARENA_SIZE, kernels))",
                        ThreadLocal.class, Workspace.class)
                .addStatement("this.team = $T.single()", ThreadTeam.class);
        if (splitsBySamples) {
            constructor.addStatement("this.samples = new $T((input, inputOffset, output, outputOffset, batch) ->\n$>"
                            + "run(input, inputOffset, output, outputOffset, batch, $T.single()),\nINPUT_SIZE, OUTPUT_SIZE, kernels$<)",
                    SampleSplit.class, ThreadTeam.class);
        }
        return constructor.build();
    }

    /** A second view of loaded kernels, run by another team. */
    private MethodSpec viewConstructor() {
        MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PRIVATE)
                .addParameter(self, "network")
                .addParameter(ThreadTeam.class, "team");
        plan.steps().forEach(step -> kernelField(step).ifPresent(
                field -> constructor.addStatement("this.$N = network.$N", field, field)));
        constructor
                // A thread runs one call at a time whichever view it calls, so the views can share its arena.
                .addStatement("this.workspaces = network.workspaces")
                .addStatement("this.team = team");
        if (splitsBySamples) {
            constructor.addStatement("this.samples = network.samples");
        }
        return constructor.build();
    }

    private MethodSpec withThreads() {
        return MethodSpec.methodBuilder("withThreads")
                .addJavadoc("This network with each large layer shared among {@code threads} threads: the calling thread and\n"
                        + "{@code threads - 1} workers of the view's own, started now. The weights are shared, not copied.\n"
                        + "This cuts the latency of one caller. Calls from several threads take turns on the workers, so\n"
                        + "for throughput with many callers, call the single-threaded network from each of them instead.\n"
                        + "$L"
                        + "The workers are daemon threads, stopped once the view is no longer reachable.\n\n"
                        + "@throws IllegalArgumentException if {@code threads} is not positive\n",
                        splitsBySamples ? "A batch that splits evenly among the threads, or has four samples a thread or more, is\n"
                                + "split by samples instead: each thread runs the whole network on its share, with an arena\n"
                                + "of its own.\n" : "")
                .addModifiers(Modifier.PUBLIC)
                .returns(self)
                .addParameter(TypeName.INT, "threads")
                .addStatement("return new $T(this, $T.of(threads))", self, ThreadTeam.class)
                .build();
    }

    private CodeBlock fold(Plan.NormWeights norm) {
        Shape channels = Shape.of(norm.channels());
        return CodeBlock.of("$T.fold(\n$>$L,\n$L,\n$L,\n$L,\n$L$<)", BatchNorm.class,
                read(norm.prefix() + ".weight", channels, norm.node()),
                read(norm.prefix() + ".bias", channels, norm.node()),
                read(norm.prefix() + ".running_mean", channels, norm.node()),
                read(norm.prefix() + ".running_var", channels, norm.node()),
                Double.toString(norm.eps()));
    }

    private CodeBlock read(WeightTensor tensor, Node node) {
        return read(tensor.name(), tensor.shape(), node);
    }

    private CodeBlock read(String tensor, Shape shape, Node node) {
        return CodeBlock.of("weights.tensor($S, $L, $S)", tensor, intArray(shape.toArray()), node.describe(network.file()));
    }

    private MethodSpec load() {
        return MethodSpec.methodBuilder("load")
                .addJavadoc("Loads trained weights from a safetensors file with PyTorch {@code state_dict} names.\n\n"
                        + "@throws IOException if the file cannot be read, is not valid safetensors, or lacks a tensor or\n"
                        + "    has one of the wrong shape or dtype; the message lists every such problem\n")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(self)
                .addParameter(Path.class, "safetensors")
                .addException(IOException.class)
                .beginControlFlow("try ($T weights = $T.open(safetensors, $S))", WeightsLoader.class, WeightsLoader.class, network.name())
                .addStatement("$T network = new $T(weights)", self, self)
                .addComment("Nothing half-loaded escapes: finish() throws if any tensor was missing or wrong.")
                .addStatement("weights.finish()")
                .addStatement("return network")
                .endControlFlow()
                .build();
    }

    // ---- inference ----------------------------------------------------------------------------------------

    private Optional<FieldSpec> geometryField(Plan.Step step) {
        if (step instanceof Plan.ConvStep conv) {
            ConvGeometry g = conv.geometry();
            CodeBlock mode = CodeBlock.of("\n$T.$L // padding mode", PaddingMode.class, g.paddingMode().name());
            return Optional.of(FieldSpec.builder(ConvGeometry.class, conv.geometryName(),
                            Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer(windowGeometry(ConvGeometry.class, mode, g.inChannels(), g.inHeight(), g.inWidth(),
                            g.outChannels(), g.outHeight(), g.outWidth(), g.kernelHeight(), g.kernelWidth(),
                            g.strideHeight(), g.strideWidth(), g.dilationHeight(), g.dilationWidth(), g.padTop(),
                            g.padLeft(), g.groups()))
                    .build());
        }
        if (step instanceof Plan.TransposedConvStep conv) {
            TransposedConvGeometry g = conv.geometry();
            return Optional.of(FieldSpec.builder(TransposedConvGeometry.class, conv.geometryName(),
                            Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer(windowGeometry(TransposedConvGeometry.class, CodeBlock.of(""), g.inChannels(),
                            g.inHeight(), g.inWidth(), g.outChannels(), g.outHeight(), g.outWidth(), g.kernelHeight(),
                            g.kernelWidth(), g.strideHeight(), g.strideWidth(), g.dilationHeight(), g.dilationWidth(),
                            g.padTop(), g.padLeft(), g.groups()))
                    .build());
        }
        if (step instanceof Plan.UpsampleStep upsample && upsample.bilinear()) {
            return Optional.of(FieldSpec.builder(Upsampling.Bilinear.class, upsample.constant(),
                            Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer("new $T(\n$>$L, $L, $L, // channels, in height, width\n"
                                    + "$L, $L, $L // scale height, width; align corners\n$<)",
                            Upsampling.Bilinear.class, upsample.channels(), upsample.inHeight(), upsample.inWidth(),
                            upsample.scaleHeight(), upsample.scaleWidth(), upsample.alignCorners())
                    .build());
        }
        if (step instanceof Plan.PoolStep pool) {
            PoolGeometry g = pool.geometry();
            // An activation moved past a max pooling is the pooling's to apply, each plane as it is pooled.
            CodeBlock kind = CodeBlock.of("$L(new $T(", pool.max() ? "max" : "average", PoolGeometry.class);
            CodeBlock activation = pool.max() ? activationArguments(pool.activation(), pool.alpha()) : CodeBlock.of("");
            return Optional.of(FieldSpec.builder(PoolKernel.class, pool.constant(),
                            Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer("$T.$L\n$>$L, $L, $L, // channels, in height, in width\n"
                                    + "$L, $L, // out height, width\n"
                                    + "$L, $L, $L, $L, // kernel, stride (height, width)\n$L, $L // padding top, left\n$<)$L)",
                            PoolKernel.class, kind, g.channels(), g.inHeight(), g.inWidth(), g.outHeight(),
                            g.outWidth(), g.kernelHeight(), g.kernelWidth(), g.strideHeight(), g.strideWidth(),
                            g.padTop(), g.padLeft(), activation)
                    .build());
        }
        if (step instanceof Plan.AddStep add && add.accumulated().isPresent()) {
            return Optional.of(FieldSpec.builder(AddKernel.class, add.constant(),
                            Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer("new $T($L$L)", AddKernel.class, add.out().size(),
                            activationArguments(add.activation(), add.alpha()))
                    .build());
        }
        return Optional.empty();
    }

    /** {@code , Activation.NAME, alphaf}: an activation and its alpha as a call's last arguments. */
    private static CodeBlock activationArguments(Activation activation, double alpha) {
        return CodeBlock.of(", $T.$L, $Lf", RUNTIME_ACTIVATION, activation.name(), Float.toString((float) alpha));
    }

    /**
     * {@code new TYPE(in..., out..., kernel, stride, dilation, padding, groups[, more])}, a line per group of
     * numbers with what they are, for the sliding-window geometries of convolutions and transposed ones.
     */
    private static CodeBlock windowGeometry(Class<?> type, CodeBlock more, int... values) {
        return CodeBlock.of("new $T(\n$>$L, $L, $L, // in: channels, height, width\n"
                        + "$L, $L, $L, // out: channels, height, width\n"
                        + "$L, $L, $L, $L, $L, $L, // kernel, stride, dilation (height, width)\n"
                        + "$L, $L, $L$L // padding top, left; groups$L\n$<)",
                type, values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8],
                values[9], values[10], values[11], values[12], values[13], values[14], more.isEmpty() ? "" : ",", more);
    }

    private MethodSpec predictOne() {
        return MethodSpec.methodBuilder("predict")
                .addJavadoc("Runs the network on one sample.\n\n"
                        + "@param input $L floats: shape $L flattened in C, H, W order; not modified\n"
                        + "@return $L floats: shape $L flattened in the same order, in a new array\n"
                        + "@throws IllegalArgumentException if {@code input} does not hold exactly $L floats\n",
                        network.inputShape().size(), network.inputShape(), network.outputShape().size(),
                        network.outputShape(), network.inputShape().size())
                .addModifiers(Modifier.PUBLIC)
                .returns(FLOATS)
                .addParameter(FLOATS, "input")
                .addStatement("$T.requireInput(input, INPUT_SIZE, $S, INPUT_SHAPE)", Tensors.class, network.name())
                .addStatement("float[] output = new float[OUTPUT_SIZE]")
                .addStatement("predict(input, 1, output)")
                .addStatement("return output")
                .build();
    }

    private MethodSpec predictInto() {
        return MethodSpec.methodBuilder("predict")
                .addJavadoc("Runs the network on one sample into the caller's array: after the first call on a thread,\n"
                        + "this allocates nothing.\n\n"
                        + "@param input $L floats; not modified\n"
                        + "@param output receives $L floats; must not be {@code input}\n",
                        network.inputShape().size(), network.outputShape().size())
                .addModifiers(Modifier.PUBLIC)
                .addParameter(FLOATS, "input")
                .addParameter(FLOATS, "output")
                .addStatement("predict(input, 1, output)")
                .build();
    }

    private MethodSpec predictBatch() {
        MethodSpec.Builder predict = MethodSpec.methodBuilder("predict")
                .addJavadoc("Runs the network on {@code batch} samples stored one after another. After the first call on a\n"
                        + "thread with a batch this large, this allocates nothing.\n\n"
                        + "@param input {@code batch} times $L floats (shape $L each); not modified\n"
                        + "@param output receives {@code batch} times $L floats (shape $L each); must not be {@code input}\n"
                        + "@throws IllegalArgumentException if the arrays are not exactly that long, or the batch is not positive\n",
                        network.inputShape().size(), network.inputShape(), network.outputShape().size(),
                        network.outputShape())
                .addModifiers(Modifier.PUBLIC)
                .addParameter(FLOATS, "input")
                .addParameter(TypeName.INT, "batch")
                .addParameter(FLOATS, "output")
                .addStatement("$T.requireBatch(input, batch, output, INPUT_SIZE, OUTPUT_SIZE, $S, INPUT_SHAPE, OUTPUT_SHAPE)",
                        Tensors.class, network.name());
        if (splitsBySamples) {
            predict.beginControlFlow("if ($T.pays(batch, team.threads()))", SampleSplit.class)
                    .addStatement("team.forward(samples, input, 0, output, 0, batch, workspaces.get().scratch())")
                    .addStatement("return")
                    .endControlFlow();
        }
        return predict.addStatement("run(input, 0, output, 0, batch, team)").build();
    }

    /** The batch in passes of {@code SAMPLES_PER_PASS} samples, each through every layer. */
    private MethodSpec passes() {
        return layerRunner("run", ", {@code SAMPLES_PER_PASS} at a\ntime")
                .beginControlFlow("for (int first = 0; first < batch; first += SAMPLES_PER_PASS)")
                .addStatement("int count = $T.min(SAMPLES_PER_PASS, batch - first)", Math.class)
                .addStatement("pass(input, inputOffset + first * INPUT_SIZE, output, outputOffset + first * OUTPUT_SIZE,"
                        + " count, team)")
                .endControlFlow()
                .build();
    }

    /** A private method that runs the layers on a batch at given offsets, by the signature every such method has. */
    private static MethodSpec.Builder layerRunner(String name, String howMany) {
        return MethodSpec.methodBuilder(name)
                .addJavadoc("The layers in order on {@code batch} samples at the given offsets$L.\n\n"
                        + "@param team the threads that share each large layer: this view's, or the calling thread alone\n"
                        + "    when the batch was split by samples\n", howMany)
                .addModifiers(Modifier.PRIVATE)
                .addParameter(FLOATS, "input")
                .addParameter(TypeName.INT, "inputOffset")
                .addParameter(FLOATS, "output")
                .addParameter(TypeName.INT, "outputOffset")
                .addParameter(TypeName.INT, "batch")
                .addParameter(ThreadTeam.class, "team");
    }

    /** Every layer in order on {@code batch} samples, each large one shared by {@code team}. */
    private MethodSpec layers(String name) {
        MethodSpec.Builder run = layerRunner(name, "")
                .addStatement("$T workspace = workspaces.get()", Workspace.class)
                .addStatement("float[] arena = workspace.arena(batch)")
                .addStatement("$T scratch = workspace.scratch()", Scratch.class);
        List<Node> commented = List.of();
        for (Plan.Step step : plan.steps()) {
            // A layer lowered to several steps (separable; a layer's own softmax) is quoted once.
            if (!step.nodes().equals(commented)) {
                run.addCode("\n");
                for (Node node : step.nodes()) {
                    run.addComment("$L", node.source() + (node.source().contains("->") ? "" : " -> " + node.shape()));
                }
                commented = step.nodes();
            }
            run.addCode(call(step));
        }
        if (plan.outputIsInput()) {
            run.addCode("\n")
                    .addStatement("$T.arraycopy(input, inputOffset, output, outputOffset, batch * OUTPUT_SIZE)", System.class);
        }
        return run.build();
    }

    /**
     * Whether a team may split a batch by samples: where the dense layers' weights are small enough for every
     * thread to read them on its own ({@link #SAMPLE_SPLIT_DENSE_WEIGHTS}).
     */
    private static boolean splitsBySamples(Plan plan) {
        long denseWeights = plan.steps().stream()
                .filter(Plan.DenseStep.class::isInstance)
                .map(Plan.DenseStep.class::cast)
                .mapToLong(dense -> (long) dense.inFeatures() * dense.outFeatures())
                .sum();
        return denseWeights <= SAMPLE_SPLIT_DENSE_WEIGHTS;
    }

    /** Where a buffer's batch starts, as two arguments: the caller's arrays, or its planned place in the arena. */
    private CodeBlock at(Buffer buffer) {
        return CodeBlock.of("$L, $L", arrayOf(buffer), offsetOf(buffer));
    }

    private CodeBlock call(Plan.Step step) {
        if (step instanceof Plan.ConvStep conv) {
            return CodeBlock.builder()
                    .addStatement("team.forward($N, $L, $L, batch, scratch)", conv.field(), at(conv.in()), at(conv.out()))
                    .build();
        }
        if (step instanceof Plan.DenseStep dense) {
            return CodeBlock.builder()
                    .addStatement("team.forward($N, $L, $L, batch, scratch)", dense.field(), at(dense.in()), at(dense.out()))
                    .build();
        }
        if (step instanceof Plan.TransposedConvStep conv) {
            return CodeBlock.builder()
                    .addStatement("$N.forward($L, $L, batch)", conv.field(), at(conv.in()), at(conv.out()))
                    .build();
        }
        if (step instanceof Plan.UpsampleStep upsample) {
            if (upsample.bilinear()) {
                return CodeBlock.builder()
                        .addStatement("$N.apply($L, $L, batch)", upsample.constant(), at(upsample.in()), at(upsample.out()))
                        .build();
            }
            return CodeBlock.builder()
                    .addStatement("$T.nearest($L, $L, $L, $L, $L, $L, $L, batch)", Upsampling.class, upsample.channels(),
                            upsample.inHeight(), upsample.inWidth(), upsample.scaleHeight(), upsample.scaleWidth(),
                            at(upsample.in()), at(upsample.out()))
                    .build();
        }
        if (step instanceof Plan.PoolStep pool) {
            return CodeBlock.builder()
                    .addStatement("team.forward($N, $L, $L, batch, scratch)", pool.constant(), at(pool.in()),
                            at(pool.out()))
                    .build();
        }
        if (step instanceof Plan.GlobalPoolStep pool && pool.channelsLast()) {
            return CodeBlock.builder()
                    .addStatement("$T.$L($L, $L, $L, $L, batch)", ChannelsLast.class,
                            pool.max() ? "globalMax" : "globalAverage", pool.channels(), pool.spatial(),
                            at(pool.in()), at(pool.out()))
                    .build();
        }
        if (step instanceof Plan.GlobalPoolStep pool) {
            return CodeBlock.builder()
                    .addStatement("$T.$L($L * batch, $L, $L, $L)", Pooling.class, pool.max() ? "globalMax" : "globalAverage",
                            pool.channels(), pool.spatial(), at(pool.in()), at(pool.out()))
                    .build();
        }
        if (step instanceof Plan.BatchNormStep norm) {
            return copy(norm.in(), norm.out())
                    .addStatement("$N.apply($L, $L, batch)", norm.field(), at(norm.out()), norm.spatial())
                    .build();
        }
        if (step instanceof Plan.ActivationStep activation) {
            return copy(activation.in(), activation.out())
                    .add(activationCall(activation))
                    .build();
        }
        if (step instanceof Plan.AddStep add) {
            Optional<Buffer> accumulated = add.accumulated();
            if (accumulated.isPresent()) {
                return CodeBlock.builder()
                        .addStatement("team.forward($N, $L, $L, batch, scratch)", add.constant(),
                                at(accumulated.get()), at(add.out()))
                        .build();
            }
            CodeBlock.Builder code = CodeBlock.builder();
            Buffer sum = add.in().get(0);
            List<Buffer> terms = add.in().subList(1, add.in().size());
            for (int t = 0; t < terms.size(); t++) {
                // The activation goes with the last term's add, as that writes the final sum.
                CodeBlock activation = t < terms.size() - 1 || add.activation() == Activation.NONE ? CodeBlock.of("")
                        : activationArguments(add.activation(), add.alpha());
                code.addStatement("$T.add($L, $L, $L, batch * $L$L)", Tensors.class, at(sum), at(terms.get(t)),
                        at(add.out()), add.out().size(), activation);
                sum = add.out();
            }
            return code.build();
        }
        Plan.ConcatStep concat = (Plan.ConcatStep) step;
        CodeBlock.Builder code = CodeBlock.builder();
        int offset = 0;
        for (Buffer part : concat.in()) {
            code.addStatement("$T.place($L, $L, $L, $L, $L, batch)", Tensors.class, at(part), part.size(),
                    at(concat.out()), concat.out().size(), offset);
            offset += part.size();
        }
        return code.build();
    }

    private CodeBlock activationCall(Plan.ActivationStep step) {
        if (step.activation() == Activation.SOFTMAX) {
            return CodeBlock.builder()
                    .beginControlFlow("for (int sample = 0; sample < batch; sample++)")
                    .addStatement("$T.softmax($L, $L, $L, $L)", Activations.class, arrayOf(step.out()),
                            plus(offsetOf(step.out()), CodeBlock.of("sample * $L", step.out().size())), step.channels(),
                            step.spatial())
                    .endControlFlow()
                    .build();
        }
        // Element-wise: the whole batch is one range.
        return CodeBlock.builder()
                .addStatement("$T.$L.apply($L, $L, $L, $Lf)", RUNTIME_ACTIVATION, step.activation().name(),
                        arrayOf(step.out()), offsetOf(step.out()),
                        plus(offsetOf(step.out()), CodeBlock.of("batch * $L", step.out().size())),
                        Float.toString((float) step.alpha()))
                .build();
    }

    private String arrayOf(Buffer buffer) {
        return buffer == plan.output() ? "output" : buffer == plan.input() ? "input" : "arena";
    }

    /** {@code a + b}, or just b when a is the literal 0. */
    private static CodeBlock plus(CodeBlock a, CodeBlock b) {
        return a.toString().equals("0") ? b : CodeBlock.of("$L + $L", a, b);
    }

    /** The start of a buffer's batch as an expression, for ranges. */
    private CodeBlock offsetOf(Buffer buffer) {
        if (buffer == plan.output()) {
            return CodeBlock.of("outputOffset");
        }
        if (buffer == plan.input()) {
            return CodeBlock.of("inputOffset");
        }
        int offset = plan.offsets().get(buffer);
        return offset == 0 ? CodeBlock.of("0") : CodeBlock.of("$L * batch", offset);
    }

    /** Makes {@code out} a copy of {@code in}, for steps that then work in place; nothing when they are one buffer. */
    private CodeBlock.Builder copy(Buffer in, Buffer out) {
        CodeBlock.Builder code = CodeBlock.builder();
        if (!in.equals(out)) {
            code.addStatement("$T.copy($L, $L, batch * $L)", Tensors.class, at(in), at(out), out.size());
        }
        return code;
    }

    private static CodeBlock intArray(int[] values) {
        return CodeBlock.of("new int[] {$L}", Arrays.stream(values).mapToObj(String::valueOf).collect(Collectors.joining(", ")));
    }
}
