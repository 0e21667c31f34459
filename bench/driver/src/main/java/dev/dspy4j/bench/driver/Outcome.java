package dev.dspy4j.bench.driver;

import dev.dspy4j.bench.harness.ScenarioResult;
import java.util.Optional;

/**
 * What one (client, scenario) run gave: a result, or why there is none.
 *
 * @param client client name
 * @param scenario scenario id
 * @param result the measurement, if the client JVM produced one
 * @param failure why there is no result ("not built", exit code, timeout), or empty
 * @param serverCpuSec CPU seconds the bench server spent during this run
 */
record Outcome(
    String client,
    String scenario,
    Optional<ScenarioResult> result,
    String failure,
    double serverCpuSec) {}
