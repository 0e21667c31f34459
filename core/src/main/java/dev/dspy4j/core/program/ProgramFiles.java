package dev.dspy4j.core.program;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.adapter.internal.PyJson;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.PredictorState;
import dev.dspy4j.core.program.internal.JsonTree;
import dev.dspy4j.core.program.internal.OrjsonWriter;
import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.Signature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;

/**
 * Saves and loads a program's learned state in DSPy's own JSON ({@code module.save("x.json")},
 * {@code module.load("x.json")}); {@code Module.save} and {@code Module.load} call these.
 *
 * <p>The file has one entry per {@linkplain NamedPredictors named predictor} ({@code traces},
 * {@code train}, {@code demos}, {@code signature} with {@code instructions} and one {@code {prefix,
 * description}} per field, {@code lm}) and {@code metadata.dependency_versions}; a bare Predict's
 * file is flat. Both do blocking file I/O and refuse to run on a non-blocking (event loop) thread.
 */
public final class ProgramFiles {

  /**
   * The versions written to {@code metadata.dependency_versions}: those of the Python DSPy whose
   * files dspy4j's tests check against, so Python DSPy 3.3.1 loads a dspy4j file without a version
   * warning. DSPy's own loader rejects any other key here, so dspy4j cannot add its own.
   */
  public static final Map<String, String> DEPENDENCY_VERSIONS =
      Map.of("python", "3.11", "dspy", "3.3.1", "cloudpickle", "2.1");

  private static final Logger LOG = LoggerFactory.getLogger(ProgramFiles.class);
  private static final Set<String> UNSAFE_LM_KEYS =
      Set.of("api_base", "base_url", "model_list", "api_key");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ProgramFiles() {}

  /**
   * Writes the program's state to a {@code .json} file as DSPy's {@code save} does (same keys, key
   * order and value text; demo values as DSPy serializes them). The file is replaced atomically
   * where the file system allows.
   *
   * @throws IllegalArgumentException when the path does not end with {@code .json}
   * @throws UncheckedIOException when the file cannot be written
   * @throws IllegalStateException when called on a non-blocking thread
   */
  public static void save(Module program, Path path) {
    Objects.requireNonNull(program, "program must not be null");
    Objects.requireNonNull(path, "path must not be null");
    requireBlockingAllowed("save");
    String file = path.getFileName() == null ? "" : path.getFileName().toString();
    if (!file.endsWith(".json")) {
      throw new IllegalArgumentException(
          "dspy4j saves a program's state as JSON; the path must end with .json, got "
              + path
              + (file.endsWith(".pkl") ? " (cloudpickle files are Python-only)" : ""));
    }
    try {
      Path target = path.toAbsolutePath();
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), "." + file, ".tmp");
      try {
        Files.writeString(tmp, text(program), StandardCharsets.UTF_8);
        try {
          Files.move(
              tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the program to " + path, e);
    }
  }

  /** The text {@link #save} writes for this program: DSPy's {@code dump_state()} plus metadata. */
  public static String text(Module program) {
    Map<String, Predict> named = program.namedPredictors();
    var state = new LinkedHashMap<String, Object>();
    if (named.size() == 1 && named.containsKey("self")) {
      state.putAll(encode(named.get("self").state()));
    } else {
      named.forEach((name, p) -> state.put(name, encode(p.state())));
    }
    var versions = new LinkedHashMap<String, Object>();
    versions.put("python", DEPENDENCY_VERSIONS.get("python"));
    versions.put("dspy", DEPENDENCY_VERSIONS.get("dspy"));
    versions.put("cloudpickle", DEPENDENCY_VERSIONS.get("cloudpickle"));
    state.put("metadata", Map.of("dependency_versions", versions));
    return OrjsonWriter.write(state);
  }

  private static Map<String, Object> encode(PredictorState s) {
    var out = new LinkedHashMap<String, Object>();
    out.put("traces", PyJson.toJsonable(s.traces()));
    out.put("train", PyJson.toJsonable(s.train()));
    var demos = new ArrayList<Object>();
    for (Example demo : s.demos()) {
      var values = new LinkedHashMap<String, Object>();
      demo.values().forEach((k, v) -> values.put(k, PyJson.toJsonable(v)));
      demos.add(values);
    }
    out.put("demos", demos);
    var fields = new ArrayList<Object>();
    for (Field f : s.signature().fields()) {
      var entry = new LinkedHashMap<String, Object>();
      entry.put("prefix", s.prefix(f.name()));
      entry.put("description", f.description().isEmpty() ? "${" + f.name() + "}" : f.description());
      fields.add(entry);
    }
    var signature = new LinkedHashMap<String, Object>();
    signature.put("instructions", s.signature().instructions());
    signature.put("fields", fields);
    out.put("signature", signature);
    out.put("lm", s.lm());
    return out;
  }

  /**
   * Reads a state file DSPy (or dspy4j) saved and replaces the learned state of each of the
   * program's named predictors. Everything is read and checked first: on any error no predictor
   * changes. Each predictor's state is replaced atomically; a call already running keeps the state
   * it read.
   *
   * @throws ProgramLoadException (one of its subclasses) naming the problem
   * @throws UncheckedIOException when the file cannot be read
   * @throws IllegalStateException when called on a non-blocking thread
   */
  public static void load(Module program, Path path, LoadOptions options) {
    Objects.requireNonNull(program, "program must not be null");
    Objects.requireNonNull(path, "path must not be null");
    Objects.requireNonNull(options, "options must not be null");
    requireBlockingAllowed("load");
    Map<String, Predict> named = program.namedPredictors();
    Map<String, Object> top = read(path);
    if (top.containsKey("module_src")) throw flex(path, "the file");
    checkMetadata(path, top.get("metadata"));

    var states = new LinkedHashMap<String, Object>();
    if (named.size() == 1 && named.containsKey("self")) {
      if (!top.containsKey("signature")) {
        var keys = new ArrayList<>(top.keySet());
        keys.remove("metadata");
        throw new PredictorNamesMismatchException(path, List.of("self"), List.of("self"), keys);
      }
      var flat = new LinkedHashMap<>(top);
      flat.remove("metadata");
      states.put("self", flat);
    } else {
      var keys = new ArrayList<>(top.keySet());
      keys.remove("metadata");
      var missing = new ArrayList<String>();
      for (String name : named.keySet()) if (!top.containsKey(name)) missing.add(name);
      var extra = keys.stream().filter(k -> !named.containsKey(k)).toList();
      if (!missing.isEmpty() || !extra.isEmpty()) {
        throw new PredictorNamesMismatchException(
            path, List.copyOf(named.keySet()), missing, extra);
      }
      for (String name : named.keySet()) states.put(name, top.get(name));
    }

    var decoded = new LinkedHashMap<Predict, PredictorState>();
    for (var e : named.entrySet()) {
      decoded.put(
          e.getValue(),
          decode(path, e.getKey(), states.get(e.getKey()), e.getValue().state(), options));
    }
    decoded.forEach(Predict::setState);
  }

  private static Map<String, Object> read(Path path) {
    if (Files.isDirectory(path)) {
      if (Files.exists(path.resolve("program.pkl"))) {
        throw new UnportableProgramException(
            path,
            "this directory is a whole program DSPy saved with "
                + "save_program=True (program.pkl, a cloudpickle of Python objects), which only Python can read. "
                + "In Python, save the state as JSON instead: program.save(\"program.json\"), and load that file");
      }
      throw new ProgramLoadException(
          path, "it is a directory; give the .json file DSPy's program.save wrote");
    }
    String file = path.getFileName() == null ? "" : path.getFileName().toString();
    if (file.endsWith(".pkl")) throw pickle(path);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
    if (bytes.length > 0 && (bytes[0] & 0xff) == 0x80)
      throw pickle(path); // a pickle protocol 2+ header
    if (!file.endsWith(".json")) {
      throw new ProgramLoadException(
          path, "the path must end with .json (DSPy's program.save(\"x.json\"))");
    }
    Object root;
    try {
      root = JsonTree.plain(JSON.readTree(bytes));
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new MalformedProgramFileException(
          path,
          "invalid JSON: " + e.getOriginalMessage(),
          at == null ? -1 : at.getLineNr(),
          at == null ? -1 : at.getColumnNr(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new MalformedProgramFileException(path, "the top level is not a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> top = (Map<String, Object>) map;
    return top;
  }

  private static UnportableProgramException pickle(Path path) {
    return new UnportableProgramException(
        path,
        "it is a cloudpickle file (.pkl) of Python objects, which only "
            + "Python can read and which can run arbitrary code. In Python, save the state as JSON instead: "
            + "program.save(\"program.json\"), and load that file");
  }

  private static UnportableProgramException flex(Path path, String where) {
    return new UnportableProgramException(
        path,
        where
            + " holds a dspy.Flex module's Python source (module_src), "
            + "which cannot run on the JVM; only Predict-based programs (Predict, ChainOfThought, ReAct, ...) load");
  }

  private static void checkMetadata(Path path, Object metadata) {
    if (!(metadata instanceof Map<?, ?> m)
        || !(m.get("dependency_versions") instanceof Map<?, ?> versions)) {
      throw new MalformedProgramFileException(
          path,
          "no metadata.dependency_versions object (DSPy's save writes "
              + "it and DSPy's load requires it)");
    }
    Object dspy = versions.get("dspy");
    if (dspy != null && !dspy.equals(DEPENDENCY_VERSIONS.get("dspy"))) {
      LOG.warn(
          "{} was saved by DSPy {}; dspy4j follows DSPy {}. The prompts may differ if that version "
              + "changed them.",
          path,
          dspy,
          DEPENDENCY_VERSIONS.get("dspy"));
    }
  }

  private static PredictorState decode(
      Path path, String name, Object raw, PredictorState current, LoadOptions options) {
    if (!(raw instanceof Map<?, ?> rawMap)) {
      throw new MalformedProgramFileException(
          path, "the state of predictor '" + name + "' is not a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> state = (Map<String, Object>) rawMap;
    if (state.containsKey("module_src")) throw flex(path, "predictor '" + name + "'");
    if (state.containsKey("extended_signature")) {
      throw new UnportableProgramException(
          path,
          "predictor '"
              + name
              + "' has an extended_signature, DSPy's "
              + "format before 2.6, which DSPy itself no longer loads; re-save it with a current DSPy");
    }
    var saved = signature(path, name, state.get("signature"), current.signature());
    if (!state.containsKey("lm")) {
      throw new MalformedProgramFileException(
          path, "predictor '" + name + "' has no 'lm' entry (null or an object)");
    }
    Map<String, Object> lm = lm(path, name, state.get("lm"), options);
    List<Example> demos =
        state.containsKey("demos") ? demos(path, name, state.get("demos")) : current.demos();
    // as DSPy's load_state: a key the file leaves out keeps the predictor's current value
    List<Object> traces =
        state.containsKey("traces")
            ? list(path, name, "traces", state.get("traces"))
            : current.traces();
    List<Object> train =
        state.containsKey("train")
            ? list(path, name, "train", state.get("train"))
            : current.train();
    return new PredictorState(saved.signature(), demos, saved.prefixes(), traces, train, lm);
  }

  private record SavedSignature(Signature signature, Map<String, String> prefixes) {}

  private static SavedSignature signature(Path path, String name, Object raw, Signature current) {
    if (!(raw instanceof Map<?, ?> sig)) {
      throw new MalformedProgramFileException(
          path, "predictor '" + name + "' has no 'signature' object");
    }
    if (!(sig.get("instructions") instanceof String instructions)) {
      throw new MalformedProgramFileException(
          path, "the signature of predictor '" + name + "' has no 'instructions' string");
    }
    if (!(sig.get("fields") instanceof List<?> saved)) {
      throw new MalformedProgramFileException(
          path, "the signature of predictor '" + name + "' has no 'fields' list");
    }
    List<Field> fields = current.fields();
    if (saved.size() != fields.size()) {
      throw new SignatureMismatchException(
          path, name, fields.stream().map(Field::name).toList(), saved.size());
    }
    var updated = new ArrayList<Field>();
    var prefixes = new LinkedHashMap<String, String>();
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      if (!(saved.get(i) instanceof Map<?, ?> entry)
          || !(entry.get("prefix") instanceof String prefix)
          || !(entry.get("description") instanceof String description)) {
        throw new MalformedProgramFileException(
            path,
            "field "
                + (i + 1)
                + " ('"
                + f.name()
                + "') of predictor '"
                + name
                + "' is not an object with 'prefix' and 'description' strings");
      }
      prefixes.put(f.name(), prefix);
      updated.add(f.withDescription(description.equals("${" + f.name() + "}") ? "" : description));
    }
    return new SavedSignature(Signature.of(updated, instructions), prefixes);
  }

  private static Map<String, Object> lm(Path path, String name, Object raw, LoadOptions options) {
    if (raw == null) return null;
    if (!(raw instanceof Map<?, ?> map)) {
      throw new MalformedProgramFileException(
          path, "the 'lm' of predictor '" + name + "' is neither null nor an object");
    }
    var out = new LinkedHashMap<String, Object>();
    var dropped = new ArrayList<String>();
    map.forEach(
        (k, v) -> {
          String key = String.valueOf(k);
          if (!options.allowUnsafeLmState() && UNSAFE_LM_KEYS.contains(key)) dropped.add(key);
          else out.put(key, v);
        });
    if (!dropped.isEmpty()) {
      LOG.warn(
          "{}: ignoring unsafe LM key(s) {} of predictor '{}'; load with "
              + "LoadOptions.DEFAULTS.withAllowUnsafeLmState(true) to keep them for trusted files",
          path,
          dropped,
          name);
    }
    return out;
  }

  private static List<Example> demos(Path path, String name, Object raw) {
    if (!(raw instanceof List<?> list)) {
      throw new MalformedProgramFileException(
          path, "the 'demos' of predictor '" + name + "' is not a list");
    }
    var demos = new ArrayList<Example>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> demo)) {
        throw new MalformedProgramFileException(
            path, "demo " + i + " of predictor '" + name + "' is not an object");
      }
      var values = new LinkedHashMap<String, Object>();
      for (var e : demo.entrySet()) {
        values.put(
            String.valueOf(e.getKey()), e.getValue()); // a null is Python's None, kept as such
      }
      demos.add(Example.of(values));
    }
    return demos;
  }

  private static List<Object> list(Path path, String name, String key, Object raw) {
    if (!(raw instanceof List<?> list)) {
      throw new MalformedProgramFileException(
          path, "the '" + key + "' of predictor '" + name + "' is not a list");
    }
    return new ArrayList<>(list);
  }

  private static void requireBlockingAllowed(String what) {
    if (Schedulers.isInNonBlockingThread()) {
      throw new IllegalStateException(
          what
              + " reads or writes a file (blocking I/O) and cannot run on the "
              + "non-blocking thread "
              + Thread.currentThread().getName()
              + "; call it at startup or on "
              + "Schedulers.boundedElastic()");
    }
  }
}
