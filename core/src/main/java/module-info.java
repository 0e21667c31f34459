/**
 * dspy4j's core: signatures, adapters, predictors, programs, evaluation, optimizers and the {@link
 * dev.dspy4j.core.lm.LanguageModel} contract, with no transport of its own.
 *
 * <p>Only API packages are exported; {@code ...internal} packages are implementation and stay
 * closed (listed with their public types in {@code docs/api/dev.dspy4j.core.txt}, checked by {@code
 * ModuleApiTest}). Micrometer and the MCP SDK are optional: only {@code
 * dev.dspy4j.core.usage.micrometer} and {@code dev.dspy4j.core.tool.mcp} need them.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.dspy4j.core {
  requires transitive reactor.core;
  requires transitive org.reactivestreams;
  requires transitive com.fasterxml.jackson.databind;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  requires static transitive org.jspecify;
  requires static micrometer.observation;
  requires static io.modelcontextprotocol.sdk.mcp.core;
  requires static io.modelcontextprotocol.sdk.mcp.json.jackson2;

  exports dev.dspy4j.core;
  exports dev.dspy4j.core.adapter;
  exports dev.dspy4j.core.batch;
  exports dev.dspy4j.core.cache;
  exports dev.dspy4j.core.evaluate;
  exports dev.dspy4j.core.helicone;
  exports dev.dspy4j.core.http;
  exports dev.dspy4j.core.lm;
  exports dev.dspy4j.core.optimize;
  exports dev.dspy4j.core.predict;
  exports dev.dspy4j.core.program;
  exports dev.dspy4j.core.ratelimit;
  exports dev.dspy4j.core.signature;
  exports dev.dspy4j.core.tool;
  exports dev.dspy4j.core.tool.mcp;
  exports dev.dspy4j.core.usage;
  exports dev.dspy4j.core.usage.micrometer;

  // The disk cache's entries (records) are read and written by Jackson.
  opens dev.dspy4j.core.cache.internal to
      com.fasterxml.jackson.databind;
}
