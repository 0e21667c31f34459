package dev.dspy4j.core.predict;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.adapter.Adapter;
import dev.dspy4j.core.adapter.AdapterParseException;
import dev.dspy4j.core.adapter.ChatAdapter;
import dev.dspy4j.core.adapter.JsonAdapter;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import dev.dspy4j.core.predict.internal.FieldStream;
import dev.dspy4j.core.predict.internal.Hints;
import dev.dspy4j.core.predict.internal.ModulePath;
import dev.dspy4j.core.predict.internal.Rollout;
import dev.dspy4j.core.predict.internal.StreamChannel;
import dev.dspy4j.core.predict.internal.Trace;
import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.FieldType;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The basic module, like {@code dspy.Predict}: formats the inputs with its {@link Adapter} (the
 * {@link ChatAdapter} unless {@link #withAdapter} says otherwise), calls the LM, parses the answer
 * into a {@link Prediction}. When the adapter cannot parse the answer it retries once with the
 * adapter's {@linkplain Adapter#fallback() fallback} (the ChatAdapter's is the {@link JsonAdapter};
 * a second LM call), never after an LM error.
 *
 * <p>Thread-safe: every {@code with...} returns a new module; one instance can serve any number of
 * concurrent calls. The one mutable part is the {@linkplain #state() learned state} (demos,
 * instructions, field descriptions and prefixes), which {@code load} and optimizers replace
 * atomically in place ({@link #setState}); a call reads it once, when subscribed. The LM is the one
 * given by {@link #withLm}, else the one in the Reactor Context ({@code Dspy.withLm}), else the
 * process default ({@code Dspy.configure}).
 *
 * <pre>{@code
 * Predict qa = Predict.of("question -> answer");
 * Mono<Prediction> p = qa.call(Map.of("question", "What is the capital of France?"));
 * }</pre>
 */
public final class Predict implements Module {

  private static final ChatAdapter CHAT = new ChatAdapter();

  private final AtomicReference<PredictorState> state;
  private final @Nullable LanguageModel lm;
  private final CallConfig config;
  private final Adapter adapter;
  private final boolean jsonFallback;
  private final @Nullable String sessionPath;

  /**
   * Unknown input names already warned about (bounded: a program with changing names warns at most
   * this often).
   */
  private final Set<String> warnedExtraInputs = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static final int MAX_WARNED_EXTRA_INPUTS = 64;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Predict.class);

  private Predict(
      PredictorState state,
      @Nullable LanguageModel lm,
      CallConfig config,
      Adapter adapter,
      boolean jsonFallback,
      @Nullable String sessionPath) {
    this.state = new AtomicReference<>(state);
    this.lm = lm;
    this.config = config;
    this.adapter = adapter;
    this.jsonFallback = jsonFallback;
    this.sessionPath = sessionPath;
  }

  /**
   * A Predict for a string signature such as {@code "question -> answer"}.
   *
   * @throws IllegalArgumentException when the signature is malformed
   */
  public static Predict of(String signature) {
    return of(Signature.parse(signature));
  }

  /** A Predict for this signature. */
  public static Predict of(Signature signature) {
    return new Predict(
        PredictorState.of(Objects.requireNonNull(signature, "signature must not be null")),
        null,
        CallConfig.DEFAULT,
        CHAT,
        true,
        null);
  }

  /**
   * A typed Predict whose signature comes from an input and an output record ({@link
   * Signature#of(Class, Class)}).
   */
  public static <I, O> TypedPredict<I, O> typed(Class<I> input, Class<O> output) {
    return new TypedPredict<>(of(Signature.of(input, output)), input, output);
  }

  /** The signature this module runs now (its instructions and descriptions are learned state). */
  public Signature signature() {
    return state.get().signature();
  }

  /** The few-shot demos shown before the inputs now. */
  public List<Example> demos() {
    return state.get().demos();
  }

  /**
   * The learned state now: demos, instructions, field descriptions and prefixes, as DSPy saves a
   * predictor. A call reads it once when subscribed.
   */
  public PredictorState state() {
    return state.get();
  }

  /**
   * Replaces the learned state of this very module, atomically, as {@code load} and optimizers do:
   * calls subscribed after this see the new state, calls already running keep the one they read.
   *
   * @throws IllegalArgumentException when the new state's signature has other field names, roles or
   *     types than this module's (only instructions and descriptions may change)
   */
  public void setState(PredictorState newState) {
    Objects.requireNonNull(newState, "state must not be null");
    state.getAndUpdate(
        current -> {
          requireSameFields(current.signature(), newState.signature());
          return newState;
        });
  }

  /**
   * Updates the learned state of this very module atomically (retried if another update won the
   * race, so {@code update} must be free of side effects). See {@link #setState}.
   */
  public void updateState(UnaryOperator<PredictorState> update) {
    Objects.requireNonNull(update, "update must not be null");
    state.updateAndGet(
        current -> {
          var next = Objects.requireNonNull(update.apply(current), "update must not return null");
          requireSameFields(current.signature(), next.signature());
          return next;
        });
  }

  private static void requireSameFields(Signature current, Signature next) {
    var a = current.fields().stream().map(f -> f.withDescription("")).toList();
    var b = next.fields().stream().map(f -> f.withDescription("")).toList();
    if (!a.equals(b)) {
      throw new IllegalArgumentException(
          "a predictor's learned state may change instructions and descriptions, "
              + "not fields: "
              + current
              + " has "
              + a
              + ", the new state has "
              + b);
    }
  }

  /** The per-call LM settings. */
  public CallConfig config() {
    return config;
  }

  /** The LM set on this module, if any. */
  public Optional<LanguageModel> lm() {
    return Optional.ofNullable(lm);
  }

  /** The adapter formatting prompts and parsing answers. */
  public Adapter adapter() {
    return adapter;
  }

  /** This module with few-shot demos (complete ones, and incomplete ones as DSPy renders them). */
  public Predict withDemos(List<Example> demos) {
    Objects.requireNonNull(demos, "demos must not be null");
    demos.forEach(d -> Objects.requireNonNull(d, "demos must not contain null"));
    return new Predict(
        state.get().withDemos(demos), lm, config, adapter, jsonFallback, sessionPath);
  }

  /** This module bound to an LM (wins over the Context and the process default). */
  public Predict withLm(LanguageModel lm) {
    return new Predict(
        state.get(),
        Objects.requireNonNull(lm, "lm must not be null"),
        config,
        adapter,
        jsonFallback,
        sessionPath);
  }

  /** This module with these per-call settings. */
  public Predict withConfig(CallConfig config) {
    return new Predict(
        state.get(),
        lm,
        Objects.requireNonNull(config, "config must not be null"),
        adapter,
        jsonFallback,
        sessionPath);
  }

  /** This module with a sampling temperature. */
  public Predict withTemperature(double temperature) {
    return withConfig(config.withTemperature(temperature));
  }

  /** This module asking for {@code n} choices; all land in {@link Prediction#completions()}. */
  public Predict withN(int n) {
    return withConfig(config.withN(n));
  }

  /** This module with a completion token limit. */
  public Predict withMaxTokens(int maxTokens) {
    return withConfig(config.withMaxTokens(maxTokens));
  }

  /** This module with the LM cache switched on or off for its calls. */
  public Predict withCache(boolean cache) {
    return withConfig(config.withCache(cache));
  }

  /**
   * This module with another adapter, which formats, parses, splits streamed fields ({@link
   * Adapter#fieldSplitter}) and names its fallback ({@link Adapter#fallback}); a {@link
   * JsonAdapter} asks for JSON and has no fallback.
   */
  public Predict withAdapter(Adapter adapter) {
    return new Predict(
        state.get(),
        lm,
        config,
        Objects.requireNonNull(adapter, "adapter must not be null"),
        jsonFallback,
        sessionPath);
  }

  /**
   * This module with the one-time retry with the adapter's {@linkplain Adapter#fallback() fallback}
   * after a parse failure (the ChatAdapter's: the JSONAdapter) switched on (the default, as DSPy's
   * {@code use_json_adapter_fallback=True}) or off. An adapter without a fallback never retries.
   */
  public Predict withJsonFallback(boolean enabled) {
    return new Predict(state.get(), lm, config, adapter, enabled, sessionPath);
  }

  /**
   * This module running under a session path segment: its LM calls (the JSON fallback included)
   * send the Helicone session path of the caller's Context with {@code /segment} appended, so the
   * sub-calls of a composite module form a tree ({@code /support/chat/retrieve}, {@code
   * /support/chat/answer}); its stream's chunks carry the segment in their {@linkplain
   * FieldChunk#path() path}. The caller's Context is not changed. Replaces a segment set before.
   *
   * @throws IllegalArgumentException when the segment is blank or not a valid header value
   */
  @Override
  public Predict withSessionPath(String segment) {
    return new Predict(state.get(), lm, config, adapter, jsonFallback, ModulePath.segment(segment));
  }

  /** The session path segment set by {@link #withSessionPath} ({@code "/answer"}), if any. */
  public Optional<String> sessionPath() {
    return Optional.ofNullable(sessionPath);
  }

  /** This module with another signature, keeping demos, LM, settings and adapter. */
  public Predict withSignature(Signature signature) {
    return new Predict(
        state.get().withSignature(Objects.requireNonNull(signature, "signature must not be null")),
        lm,
        config,
        adapter,
        jsonFallback,
        sessionPath);
  }

  /**
   * Runs the module. Emits one {@link Prediction} and completes. Errors with {@link
   * MissingInputException} (before any LM call) when a required input is missing, {@link
   * NoLanguageModelException} when no LM is configured, an {@code LmException} when the LM call
   * fails, {@link AdapterParseException} when neither the adapter nor its fallback could parse the
   * answer. Lazy; cancelling cancels the LM call.
   *
   * <p>Inside a composite module's {@link Module#stream}, the call streams its LM answer instead
   * and hands its events to that stream, then emits the same Prediction.
   */
  @Override
  public Mono<Prediction> call(Map<String, ?> inputs) {
    Objects.requireNonNull(inputs, "inputs must not be null");
    Optional<MissingInputException> missing = checkInputs(inputs);
    if (missing.isPresent()) return Mono.error(missing.get());
    Mono<Prediction> call =
        ProgramUsage.summed(
            Mono.deferContextual(
                ctx -> {
                  Optional<StreamChannel> channel = StreamChannel.in(ctx);
                  if (channel.isPresent()) return relayed(channel.get(), inputs, ctx);
                  LanguageModel model = resolveLm(ctx);
                  PredictorState learned =
                      state.get(); // read once: the whole call runs on this state
                  return complete(learned, model, adapter, inputs, ctx)
                      .onErrorResume(
                          this::fallsBack,
                          first ->
                              complete(learned, model, fallback(), inputs, ctx)
                                  .onErrorMap(
                                      AdapterParseException.class,
                                      second -> withCause(second, first)))
                      .doOnNext(p -> traced(ctx, learned.signature(), inputs, p));
                }));
    return sessionPath == null ? call : call.contextWrite(ModulePath.child(sessionPath));
  }

  private Mono<Prediction> relayed(StreamChannel channel, Map<String, ?> inputs, ContextView ctx) {
    PredictorState learned = state.get();
    return streamAll(learned, inputs, chooseFields(), ctx)
        .concatMap(
            event ->
                event instanceof Done done
                    ? Mono.just(done.prediction())
                    : channel.send(event).then(Mono.<Prediction>empty()))
        .last()
        .doOnNext(p -> traced(ctx, learned.signature(), inputs, p));
  }

  /**
   * Records the call in the trace of the Context, when one is recording (DSPy's settings.trace): a
   * BestOfN/Refine attempt, an optimizer's teacher run.
   */
  private void traced(
      ContextView ctx, Signature signature, Map<String, ?> inputs, Prediction prediction) {
    Trace.record(ctx, this, signature, hinted(signature, inputs, ctx), prediction);
  }

  /**
   * Streams the output fields as they are generated: {@link StreamEvent.FieldChunk}s of every
   * output field (markers removed, {@code last=true} on each field's final chunk), then exactly one
   * {@link Done} with the Prediction {@link #call} would have returned. See {@link #stream(Map,
   * String...)}.
   */
  @Override
  public Flux<StreamEvent> stream(Map<String, ?> inputs) {
    return stream(inputs, new String[0]);
  }

  /**
   * Streams the chosen output fields (all when none are named) as they are generated, then one
   * {@link Done} with the same Prediction {@link #call} returns, parsed the same way and with the
   * same errors. A cache hit emits no chunks, only Done; so does an adapter without a {@linkplain
   * Adapter#fieldSplitter field splitter}. When the adapter cannot parse the answer, a {@link
   * Status} announces its fallback (the ChatAdapter's: the JSONAdapter), whose chunks and Done
   * follow. Cancelling the Flux cancels the LM stream (and so closes its HTTP exchange).
   *
   * @throws IllegalArgumentException when a named field is not an output of the signature
   */
  public Flux<StreamEvent> stream(Map<String, ?> inputs, String... fields) {
    Objects.requireNonNull(inputs, "inputs must not be null");
    Set<String> chosen = chooseFields(fields);
    Optional<MissingInputException> missing = checkInputs(inputs);
    if (missing.isPresent()) return Flux.error(missing.get());
    Flux<StreamEvent> stream =
        Flux.deferContextual(ctx -> streamAll(state.get(), inputs, chosen, ctx));
    stream = ProgramUsage.counted(stream);
    return sessionPath == null ? stream : stream.contextWrite(ModulePath.child(sessionPath));
  }

  private Flux<StreamEvent> streamAll(
      PredictorState learned, Map<String, ?> inputs, Set<String> chosen, ContextView ctx) {
    LanguageModel model = resolveLm(ctx);
    String path = ModulePath.current(ctx);
    return streamWith(learned, model, adapter, inputs, chosen, path, ctx)
        .onErrorResume(
            this::fallsBack,
            first -> {
              Adapter fallback = fallback();
              return Flux.concat(
                  Mono.just(
                      new Status(
                          adapter.name()
                              + " could not parse the answer; retrying with "
                              + fallback.name())),
                  streamWith(learned, model, fallback, inputs, chosen, path, ctx)
                      .onErrorMap(AdapterParseException.class, second -> withCause(second, first)));
            });
  }

  private Set<String> chooseFields(String... fields) {
    Objects.requireNonNull(fields, "fields must not be null");
    var names = signature().outputs().stream().map(Field::name).toList();
    if (fields.length == 0) return new LinkedHashSet<>(names);
    var chosen = new LinkedHashSet<String>();
    for (String f : fields) {
      Objects.requireNonNull(f, "fields must not contain null");
      if (!names.contains(f)) {
        throw new IllegalArgumentException(
            "cannot stream '" + f + "': it is not an output field; outputs are " + names);
      }
      chosen.add(f);
    }
    return chosen;
  }

  private Mono<Prediction> complete(
      PredictorState learned,
      LanguageModel model,
      Adapter with,
      Map<String, ?> inputs,
      ContextView ctx) {
    return Mono.fromCallable(() -> request(learned, with, inputs, model, ctx))
        .flatMap(model::complete)
        .map(
            response -> {
              ProgramUsage.record(ctx, response.usage());
              return prediction(learned.signature(), response, with);
            });
  }

  private Flux<StreamEvent> streamWith(
      PredictorState learned,
      LanguageModel model,
      Adapter with,
      Map<String, ?> inputs,
      Set<String> fields,
      String path,
      ContextView ctx) {
    return Flux.defer(
        () -> {
          LmRequest request = request(learned, with, inputs, model, ctx);
          Signature signature = learned.signature();
          // Each choice gets its own splitter; chunks are made once, with their path and choice.
          return FieldStream.of(
              model.stream(request),
              choice -> with.fieldSplitter(signature, fields).orElse(null),
              path,
              response -> {
                ProgramUsage.record(ctx, response.usage());
                // The whole program call's usage (a failed first attempt's included), as call()
                // reports.
                return new Done(
                    prediction(signature, response, with).withUsage(ProgramUsage.total(ctx)));
              });
        });
  }

  private boolean fallsBack(Throwable error) {
    return jsonFallback && error instanceof AdapterParseException && adapter.fallback().isPresent();
  }

  /**
   * The adapter to retry with after a parse failure; only called once {@link #fallsBack} said yes.
   */
  private Adapter fallback() {
    return adapter.fallback().orElseThrow();
  }

  private static AdapterParseException withCause(AdapterParseException second, Throwable first) {
    second.addSuppressed(first);
    return second;
  }

  private LmRequest request(
      PredictorState learned,
      Adapter with,
      Map<String, ?> inputs,
      LanguageModel model,
      ContextView ctx) {
    Signature signature = learned.signature();
    var demoValues = learned.demos().stream().map(Example::values).toList();
    Optional<String> hint = Hints.forSignature(ctx, signature);
    // Refine's retry: DSPy's WrapperAdapter appends the hint input to the signature of every call.
    Signature formatted =
        hint.isPresent()
            ? signature.append(
                new Field(Hints.FIELD, FieldType.STR, Hints.DESCRIPTION, Field.Role.INPUT))
            : signature;
    var builder =
        LmRequest.builder(with.format(formatted, demoValues, hinted(signature, inputs, ctx)));
    config.applyTo(builder);
    with.responseFormat(signature).ifPresent(builder::responseFormat);
    Optional<Rollout> rollout = Rollout.in(ctx);
    if (rollout.isPresent()) rollout.get().applyTo(builder, builder.build());
    // DSPy's Predict: several choices at no (or a near-zero) temperature would all be the same
    // answer, so they are sampled at 0.7 instead.
    LmRequest request = builder.build();
    if (request.n().orElse(1) > 1) {
      OptionalDouble temperature =
          request.temperature().isPresent() ? request.temperature() : model.temperature();
      if (temperature.isEmpty() || temperature.getAsDouble() <= 0.15) {
        return request.withTemperature(0.7);
      }
    }
    return request;
  }

  /** The inputs with Refine's {@code hint_} added, when the call runs under hints. */
  private Map<String, ?> hinted(Signature signature, Map<String, ?> inputs, ContextView ctx) {
    Optional<String> hint = Hints.forSignature(ctx, signature);
    if (hint.isEmpty()) return inputs;
    var values = new LinkedHashMap<String, Object>(inputs);
    values.put(Hints.FIELD, hint.get());
    return values;
  }

  private Prediction prediction(Signature signature, LmResponse response, Adapter with) {
    var completions = new ArrayList<Map<String, Object>>();
    for (String text : response.texts()) completions.add(with.parse(signature, text));
    return Prediction.of(completions, response);
  }

  private LanguageModel resolveLm(ContextView ctx) {
    if (lm != null) return lm;
    return Dspy.lm(ctx).orElseThrow(() -> new NoLanguageModelException(toString()));
  }

  /**
   * An input that is not a field of the signature is not sent (as in DSPy), but never silently: the
   * first time this module sees it, a warning names it and the fields it has.
   */
  private void warnAboutExtraInputs(Map<String, ?> inputs) {
    if (warnedExtraInputs.size() >= MAX_WARNED_EXTRA_INPUTS) return;
    List<Field> fields = signature().inputs();
    for (String key : inputs.keySet()) {
      // Called on every call: no allocation unless a key is unknown.
      if (key == null || isInputField(fields, key)) continue;
      if (warnedExtraInputs.size() < MAX_WARNED_EXTRA_INPUTS && warnedExtraInputs.add(key)) {
        LOG.warn(
            "Input '{}' is not an input field of {} and is not sent; its input fields are {}",
            key,
            this,
            fields.stream().map(Field::name).toList());
      }
    }
  }

  private static boolean isInputField(List<Field> fields, String key) {
    for (Field f : fields) {
      if (f.name().equals(key)) return true;
    }
    return false;
  }

  private Optional<MissingInputException> checkInputs(Map<String, ?> inputs) {
    warnAboutExtraInputs(inputs);
    var missing = new ArrayList<String>();
    Signature signature = signature();
    for (var f : signature.inputs()) {
      boolean optional = f.type().isOptional() || f.type() instanceof FieldType.HistoryType;
      if (!optional && inputs.get(f.name()) == null) missing.add(f.name());
    }
    if (missing.isEmpty()) return Optional.empty();
    return Optional.of(
        new MissingInputException(
            missing, signature.inputs().stream().map(Field::name).toList(), inputs.keySet()));
  }

  @Override
  public String toString() {
    return "Predict"
        + signature().toString().substring("Signature".length())
        + (sessionPath == null ? "" : " at " + sessionPath);
  }
}
